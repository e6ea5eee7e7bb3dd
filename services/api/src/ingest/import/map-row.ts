import { createHash } from 'node:crypto';
import { MAX_FEEDBACK_TEXT } from '@closeloop/domain';
import { buildContact, isYes, splitContactCell, validEmail, validPhone } from '../contact.ts';
import { isValidTimeZone } from '../dates.ts';
import { ImportFormatError } from '../errors.ts';
import { primaryLanguage } from '../language.ts';
import { parseRatingText } from '../rating.ts';
import { type AnswerValue, putAnswer } from '../survey-answers.ts';
import { cleanText } from '../text.ts';
import { compact } from '../values.ts';
import { parseDateCell } from './cells.ts';
import { type ColumnInfo, findColumn, normaliseHeader } from './columns.ts';
import type { TextEncodingName } from './decode.ts';
import type { ImportedFeedback, ImportProfile, ImportRowResult, SourceRow } from './types.ts';

export const DEFAULT_TIME_ZONE = 'Europe/London';

const normaliseValue = (value: string) => value.normalize('NFC').replace(/\s+/g, ' ').trim();

/**
 * sha256 of the row's content (column keys and values, normalised for case of keys, spacing and Unicode
 * form, independent of column order and line number) plus the text column it came from. The same file
 * imported twice gives the same hashes; a row edited in any cell gives a new one.
 */
export function rowHash(columns: ColumnInfo[], cells: string[], textColumnKey: string): string {
  const pairs = columns
    .map((column) => [normaliseHeader(column.key), normaliseValue(cells[column.index] ?? '')] as const)
    .filter(([, value]) => value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify([normaliseHeader(textColumnKey), pairs]))
    .digest('hex');
}

export interface RowMapperContext {
  encoding?: TextEncodingName | undefined;
  timeZone?: string | undefined;
}

/** Builds the per-row mapping for one profile against one file's columns. */
export function createRowMapper(profile: ImportProfile, columns: ColumnInfo[], context: RowMapperContext = {}) {
  const spec = profile.columns;
  const column = (reference: string | undefined) => findColumn(columns, reference);
  const textColumns = spec.text.map((reference) => {
    const found = column(reference);
    if (!found) {
      throw new ImportFormatError(
        'unknown_profile_column',
        `the profile's text column '${reference}' is not in this file (columns: ${columns.map((c) => c.key).join(', ')})`,
      );
    }
    return found;
  });
  if (textColumns.length === 0) {
    throw new ImportFormatError(
      'no_text_column',
      `no open-text column was found; pass a profile naming one (columns: ${columns.map((c) => c.key).join(', ')})`,
    );
  }
  const received = column(spec.receivedAt);
  const timeZone =
    [profile.timeZone, received?.timeZone, context.timeZone].find(
      (zone): zone is string => zone !== undefined && isValidTimeZone(zone),
    ) ?? DEFAULT_TIME_ZONE;
  const dateFormat = profile.dateFormat ?? 'dmy';
  const rating = column(spec.rating);
  const ratingScale = spec.ratingScale ?? 5;
  const answerColumns = (spec.answers ?? []).map(column).filter((c): c is ColumnInfo => c !== undefined);
  const excludes = (profile.exclude ?? []).map((rule) => ({ ...rule, target: column(rule.column) }));
  const roles = {
    respondentId: column(spec.respondentId),
    servicePoint: column(spec.servicePoint),
    location: column(spec.location),
    customerGroup: column(spec.customerGroup),
    contactName: column(spec.contactName),
    contactFirstName: column(spec.contactFirstName),
    contactLastName: column(spec.contactLastName),
    contactEmail: column(spec.contactEmail),
    contactPhone: column(spec.contactPhone),
    contact: column(spec.contact),
    consentContact: column(spec.consentContact),
    consentPublish: column(spec.consentPublish),
    cardId: column(spec.cardId),
    keyedBy: column(spec.keyedBy),
    language: column(spec.language),
  };

  return function mapRow(row: SourceRow): ImportRowResult[] {
    const cell = (target: ColumnInfo | undefined) => (target ? (row.cells[target.index] ?? '').trim() : '');
    if (row.cells.every((value) => value.trim() === '')) return [];
    const raw: Record<string, string> = {};
    for (const c of columns) if ((row.cells[c.index] ?? '') !== '') raw[c.key] = row.cells[c.index] ?? '';
    const bad = (reason: string): ImportRowResult[] => [{ line: row.line, ok: false, reason, raw }];

    for (const rule of excludes) {
      if (rule.target && rule.values.some((value) => value.toLowerCase() === cell(rule.target).toLowerCase())) {
        return bad(rule.reason);
      }
    }
    const date = received ? parseDateCell(cell(received), dateFormat, timeZone) : undefined;
    if (date && !date.ok) return bad(date.reason);
    const score = parseRatingText(cell(rating), ratingScale);
    if (!score.ok) return bad(score.reason);

    const warnings: string[] = [];
    const split = splitContactCell(cell(roles.contact));
    if (cell(roles.contact) && !split)
      warnings.push(`contact '${cell(roles.contact)}' is neither an email address nor a phone number`);
    const fullName =
      cell(roles.contactName) || [cell(roles.contactFirstName), cell(roles.contactLastName)].filter(Boolean).join(' ');
    const email = validEmail(cell(roles.contactEmail)) ?? split?.email;
    const phone = validPhone(cell(roles.contactPhone)) ?? split?.phone;
    const contact = buildContact({ name: fullName, email, phone, consentContact: isYes(cell(roles.consentContact)) });
    const answers: Record<string, AnswerValue> = {};
    for (const answer of answerColumns) {
      const value = cell(answer);
      if (value) putAnswer(answers, answer.label, value);
    }
    if (context.encoding === 'windows-1252' && row.cells.some((value) => /\p{L}\?\p{L}/u.test(value))) {
      warnings.push("a '?' inside a word: a character was probably lost when the file was saved in a legacy code page");
    }

    const results: ImportRowResult[] = [];
    for (const textColumn of textColumns) {
      const text = cleanText(cell(textColumn));
      if (!text) continue;
      if (text.length > MAX_FEEDBACK_TEXT) {
        results.push({
          line: row.line,
          ok: false,
          reason: `${textColumn.label}: text is ${text.length} characters, over the ${MAX_FEEDBACK_TEXT} limit`,
          raw,
        });
        continue;
      }
      const hash = rowHash(columns, row.cells, textColumn.key);
      const consentPublish = roles.consentPublish ? isYes(cell(roles.consentPublish)) : undefined;
      const details =
        profile.channel === 'survey'
          ? compact({
              kind: 'survey' as const,
              source: profile.kind,
              questionId: textColumn.key.slice(0, 200),
              questionText: (spec.question?.[textColumn.key] ?? textColumn.label).slice(0, 2000),
              rating: score.raw,
              ratingScale: score.scale !== undefined && score.scale >= 2 ? score.scale : undefined,
              respondentId: cell(roles.respondentId).slice(0, 200) || undefined,
              answers: Object.keys(answers).length > 0 ? answers : undefined,
            })
          : profile.channel === 'comment_card'
            ? compact({
                kind: 'comment_card' as const,
                writtenOn: date?.ok ? date.date : undefined,
                cardId: cell(roles.cardId).slice(0, 200) || undefined,
                keyedBy: cell(roles.keyedBy).slice(0, 200) || undefined,
              })
            : undefined;
      const item: ImportedFeedback = compact({
        channel: profile.channel,
        text,
        rating: score.value,
        language: primaryLanguage(cell(roles.language)),
        receivedAt: date?.ok ? date.iso : undefined,
        source: 'import',
        externalId: hash,
        details,
        contact,
        servicePointName: cell(roles.servicePoint) || undefined,
        locationName: cell(roles.location) || undefined,
        customerGroupName: cell(roles.customerGroup) || undefined,
        consentToPublish: consentPublish,
      });
      results.push({
        line: row.line,
        ok: true,
        item,
        rowHash: hash,
        ...(warnings.length > 0 ? { warnings: [...warnings] } : {}),
      });
    }
    if (results.length === 0) return bad(`no text in ${textColumns.map((c) => `'${c.label}'`).join(', ')}`);
    return results;
  };
}

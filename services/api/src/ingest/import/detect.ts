import { asksToContact } from '../contact.ts';
import { parseRatingText } from '../rating.ts';
import { CONTACT_QUESTION, PROFILE_QUESTION } from '../survey-answers.ts';
import { type ColumnInfo, columnKeys, normaliseHeader } from './columns.ts';
import type { ImportKind, ImportProfile } from './types.ts';

type Columns = ImportProfile['columns'];
type Role = Exclude<keyof Columns, 'text' | 'answers' | 'question' | 'ratingScale'>;

/** Header wording → role, for files whose columns are named by people (comment cards, generic exports). */
const ROLE_PATTERNS: [Role, RegExp][] = [
  ['cardId', /^(card ?(ref(erence)?|id|no\.?|number)|ref(erence)?( no\.?| number)?)$/],
  [
    'receivedAt',
    /^(date( written| received| submitted)?|timestamp|submitted( at| on)?|submission date|received( at| on)?|created( at| on)?|dyddiad)$/,
  ],
  ['keyedBy', /\b(keyed|entered|typed|input) by\b/],
  ['location', /^(location|site|venue|branch|lleoliad)$/],
  ['servicePoint', /^(service ?point|department|team|counter|service area)$/],
  ['customerGroup', /^(customer|respondent) group$/],
  ['consentPublish', /\bpublish|caniat[aâ]d i gyhoeddi|^consent\??$/],
  ['contactEmail', /^(e-?mail|e-?mail address|your e-?mail( address)?|respondent e-?mail)$/],
  ['contactPhone', /^(phone|telephone|mobile)( number)?$/],
  ['contactName', /^(name|full name|your name|respondent name)$/],
  ['contact', /^contact( details)?\b|\be-?mail( address)? or (phone|telephone)|\bphone( number)? or e-?mail/],
  ['language', /^(language|user ?language|survey language|iaith)$/],
  ['respondentId', /^(respondent ?id|response ?id|submission ?id)$/],
];

const RATING_HEADER = /\b(rat(e|ing)|score|satisf\w*|sgôr|stars?)\b/i;
const TEXT_HEADER =
  /\b(comments?|feedback|tell us|improve|suggest\w*|what went|what worked|why|describe|more about|anything else|experience|sylw\w*|adborth|dweud)\b/i;
const CLOSED_QUESTION =
  /^(which|how (many|often|would you rate|satisfied|likely)|do you|did you|are you|have you|would you like|select|please select|rate)\b|selected choice$/i;

function samplesOf(samples: string[][], column: ColumnInfo): string[] {
  return samples.map((row) => (row[column.index] ?? '').trim()).filter((value) => value !== '');
}

function isNumeric(value: string): boolean {
  return /^\d+([.,]\d+)?$/.test(value);
}

/** Positive means "people wrote free text here". */
function textScore(label: string, values: string[]): number {
  if (CONTACT_QUESTION.test(label) || PROFILE_QUESTION.test(label) || asksToContact(label)) return -10;
  let score = 0;
  if (TEXT_HEADER.test(label)) score += 2;
  if (CLOSED_QUESTION.test(label)) score -= 3;
  if (values.length > 0) {
    const average = values.reduce((sum, value) => sum + value.length, 0) / values.length;
    if (average >= 40) score += 2;
    else if (average >= 20) score += 1;
    else if (average < 12) score -= 2;
    if (values.every(isNumeric)) score -= 5;
    if (values.length >= 3 && new Set(values).size <= 2) score -= 2;
  }
  return score;
}

function isRatingColumn(label: string, values: string[]): boolean {
  if (!RATING_HEADER.test(label) || CONTACT_QUESTION.test(label)) return false;
  // Tolerate a few typing errors in the sample: they become bad rows, not a lost rating column.
  const readable = values.filter((value) => parseRatingText(value, 10).ok).length;
  return values.length === 0 || readable >= values.length * 0.8;
}

/** "(1 = very poor, 5 = excellent)", "Rating (1-5)", "out of 10"; else the largest sample value. */
export function ratingScaleOf(label: string, values: string[]): number {
  const range =
    /\b[01]\s*(?:-|–|to)\s*(\d{1,2})\b/.exec(label) ??
    /\b[01]\s*=.*?\b(\d{1,2})\s*=/.exec(label) ??
    /out of (\d{1,2})/i.exec(label);
  if (range?.[1]) return Number(range[1]);
  // Without a stated scale, a ten-point scale shows as many answers above 5; a stray 7 is a typing error.
  const numbers = values.filter(isNumeric).map((value) => Number(value.replace(',', '.')));
  const aboveFive = numbers.filter((value) => value > 5 && value <= 10).length;
  return numbers.length > 0 && aboveFive >= Math.max(2, numbers.length * 0.2) ? 10 : 5;
}

function dateOrder(values: string[], fallback: 'dmy' | 'mdy'): 'dmy' | 'mdy' | 'iso' {
  if (values.length > 0 && values.every((value) => /^\d{4}[-/.]/.test(value))) return 'iso';
  for (const value of values) {
    const match = /^(\d{1,2})[/.-](\d{1,2})[/.-]/.exec(value);
    if (!match) continue;
    if (Number(match[1]) > 12) return 'dmy';
    if (Number(match[2]) > 12) return 'mdy';
  }
  return fallback;
}

function detectKind(rows: string[][], fileName: string | undefined): { kind: ImportKind; headerRows: number } {
  const top = (rows[0] ?? []).map(normaliseHeader);
  const third = rows[2] ?? [];
  if (third.some((cell) => /^\s*\{.*"ImportId"/.test(cell))) return { kind: 'qualtrics', headerRows: 3 };
  const second = (rows[1] ?? []).map(normaliseHeader);
  if (top.includes('respondent id') && second.some((cell) => cell === 'response' || cell === 'open-ended response')) {
    return { kind: 'surveymonkey', headerRows: 2 };
  }
  if (top[0] === 'timestamp') return { kind: 'google_forms', headerRows: 1 };
  if (top.includes('id') && top.includes('start time') && top.includes('completion time')) {
    return { kind: 'microsoft_forms', headerRows: 1 };
  }
  const hasComment = top.some((cell) => /^(comments?|comment text|sylw(adau)?)$/.test(cell));
  const hasPlace = top.some((cell) => /^(location|service ?point|site|venue)$/.test(cell.replace(/_/g, ' ')));
  if (hasComment && (hasPlace || /card/i.test(fileName ?? ''))) return { kind: 'comment_cards', headerRows: 1 };
  return { kind: 'generic', headerRows: 1 };
}

const NAMES: Record<ImportKind, string> = {
  google_forms: 'Google Forms responses',
  surveymonkey: 'SurveyMonkey all responses (two header rows)',
  qualtrics: 'Qualtrics responses (three header rows)',
  microsoft_forms: 'Microsoft Forms responses',
  comment_cards: 'Comment cards',
  generic: 'Spreadsheet',
};

/** Fixed bookkeeping columns of each export: role, or `null` for columns that are neither feedback nor answers. */
const FIXED: Partial<Record<ImportKind, Record<string, Role | null>>> = {
  qualtrics: {
    startdate: null,
    enddate: 'receivedAt',
    status: null,
    ipaddress: null,
    progress: null,
    duration: null,
    finished: null,
    recordeddate: null,
    _recordid: 'respondentId',
    recipientlastname: 'contactLastName',
    recipientfirstname: 'contactFirstName',
    recipientemail: 'contactEmail',
    locationlatitude: null,
    locationlongitude: null,
    distributionchannel: null,
    userlanguage: 'language',
  },
  surveymonkey: {
    'respondent id': 'respondentId',
    'collector id': null,
    'start date': null,
    'end date': 'receivedAt',
    'ip address': null,
    'email address': 'contactEmail',
    'first name': 'contactFirstName',
    'last name': 'contactLastName',
    'custom data 1': null,
  },
  google_forms: { timestamp: 'receivedAt', 'email address': 'contactEmail', score: null },
  microsoft_forms: {
    id: 'respondentId',
    'start time': null,
    'completion time': 'receivedAt',
    email: 'contactEmail',
    name: 'contactName',
    'last modified time': null,
    'total points': null,
    'quiz feedback': null,
  },
};

/**
 * Works out how to read an export from its first rows (pass the header rows and a few data rows: samples
 * tell free text from choices). Recognises Google Forms, SurveyMonkey, Qualtrics, Microsoft Forms and
 * comment-card sheets; anything else is read as a generic one-header sheet by header wording.
 */
export function detectProfile(headerRows: string[][], fileName?: string): ImportProfile {
  const rows = headerRows.filter((row) => row.some((cell) => cell.trim() !== ''));
  const { kind, headerRows: headerCount } = detectKind(rows, fileName);
  const columns = columnKeys(rows.slice(0, headerCount), kind);
  const samples = rows.slice(headerCount);
  const roles: Partial<Record<Role, string>> = {};
  const text: string[] = [];
  const answers: string[] = [];
  const question: Record<string, string> = {};
  let ratingScale: number | undefined;
  let timeZone: string | undefined;
  const exclude: NonNullable<ImportProfile['exclude']> = [];
  const fixed = FIXED[kind] ?? {};
  const subHeaders = kind === 'surveymonkey' ? (rows[1] ?? []).map(normaliseHeader) : [];

  for (const column of columns) {
    const normal = normaliseHeader(column.key);
    const values = samplesOf(samples, column);
    if (normal in fixed) {
      const role = fixed[normal];
      if (role && !roles[role]) roles[role] = column.key;
      if (role === 'receivedAt' && column.timeZone) timeZone = column.timeZone;
      continue;
    }
    if (kind === 'qualtrics') {
      if (normal === 'status') continue;
      if (/topics$/i.test(column.key) || /^qid\d+_text_/i.test(column.key)) continue;
      if (column.label !== column.key) question[column.key] = column.label;
      if (/^qid\d+_text$/i.test(column.key) && textScore(column.label, []) > -10) {
        text.push(column.key);
        continue;
      }
    }
    if (kind === 'surveymonkey' && subHeaders[column.index] === 'open-ended response') {
      if (textScore(column.label, []) > -10) text.push(column.key);
      else if (!CONTACT_QUESTION.test(column.label)) answers.push(column.key);
      continue;
    }
    const role = ROLE_PATTERNS.find(([, pattern]) =>
      pattern.test(normal.replace(/_/g, ' ').replace(/\s*\(optional\)$/, '')),
    )?.[0];
    if (role && !roles[role] && !(role === 'respondentId' && kind === 'comment_cards')) {
      roles[role] = column.key;
      continue;
    }
    if (
      asksToContact(column.label) &&
      !roles.consentContact &&
      values.every((value) => /^(y|yes|n|no|ie|na|oes|nac oes)$/i.test(value))
    ) {
      roles.consentContact = column.key;
      continue;
    }
    if (!roles.rating && isRatingColumn(column.label, values)) {
      roles.rating = column.key;
      ratingScale =
        values.every((value) => parseRatingText(value, 5).ok) && !values.some(isNumeric)
          ? 5
          : ratingScaleOf(column.label, values);
      continue;
    }
    const isOther = /other.*(specify|tell us)|- text$/i.test(column.label) || /^qid\d+_\d+_text$/i.test(column.key);
    if (!isOther && kind !== 'qualtrics' && kind !== 'surveymonkey' && textScore(column.label, values) >= 2) {
      text.push(column.key);
      continue;
    }
    if (kind !== 'comment_cards' && !CONTACT_QUESTION.test(column.label)) answers.push(column.key);
  }

  if (kind === 'qualtrics') {
    const status = columns.find((column) => normaliseHeader(column.key) === 'status');
    // Qualtrics Status: 0 IP address, 4 imported, 16 offline are real; the others are previews, tests and spam.
    if (status)
      exclude.push({
        column: status.key,
        values: ['1', '2', '8', '9', '12', '17', 'Survey Preview', 'Survey Test', 'Spam'],
        reason: 'survey preview, test or spam response',
      });
  }
  // SurveyMonkey writes export times in the account's zone with no label; the API (UTC) agrees with UTC
  // for a default account. Edit the profile's timeZone for an account set to another zone.
  if (kind === 'surveymonkey') timeZone ??= 'UTC';
  const receivedColumn = columns.find((column) => column.key === roles.receivedAt);
  const dateFormat = dateOrder(
    receivedColumn ? samplesOf(samples, receivedColumn) : [],
    kind === 'surveymonkey' || kind === 'microsoft_forms' ? 'mdy' : 'dmy',
  );

  return {
    name: NAMES[kind],
    kind,
    headerRows: headerCount,
    dateFormat,
    ...(timeZone ? { timeZone } : {}),
    columns: {
      text,
      ...roles,
      ...(ratingScale ? { ratingScale } : {}),
      ...(answers.length > 0 ? { answers } : {}),
      ...(Object.keys(question).length > 0 ? { question } : {}),
    },
    ...(exclude.length > 0 ? { exclude } : {}),
    channel: kind === 'comment_cards' ? 'comment_card' : 'survey',
  };
}

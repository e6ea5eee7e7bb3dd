import type { FeedbackInputRaw } from '@closeloop/domain';
import { toIsoInstant } from '../dates.ts';
import { InboundPayloadError } from '../errors.ts';
import { normaliseRating } from '../rating.ts';
import {
  type AnswerValue,
  CONTACT_QUESTION,
  isIdentifierValue,
  PROFILE_QUESTION,
  putAnswer,
} from '../survey-answers.ts';
import { boundedId, cleanText } from '../text.ts';
import { arr, compact, isRecord, type JsonRecord, num, rec, str } from '../values.ts';
import type { InboundOptions, InboundResult } from './types.ts';

interface QuestionDefinition {
  heading: string;
  family?: string | undefined;
  subtype?: string | undefined;
  choices: Map<string, { text: string; weight?: number | undefined }>;
  rows: Map<string, string>;
  other?: { id: string; text: string } | undefined;
}

type SurveyDefinition = { id?: string | undefined; questions: Map<string, QuestionDefinition> };

function isSurveyDetails(value: unknown): value is JsonRecord {
  return (
    isRecord(value) && Array.isArray(value.pages) && value.pages.some((page) => Array.isArray(rec(page)?.questions))
  );
}

/** `GET /v3/surveys/{id}/details` → question/choice/row ids to text and weights. */
export function readSurveyDetails(details: JsonRecord): SurveyDefinition {
  const questions = new Map<string, QuestionDefinition>();
  for (const page of arr(details.pages)) {
    for (const raw of arr(rec(page)?.questions)) {
      const question = rec(raw);
      const id = str(question?.id);
      if (!question || !id) continue;
      const answers = rec(question.answers);
      const choices = new Map<string, { text: string; weight?: number | undefined }>();
      for (const choice of arr(answers?.choices)) {
        const choiceId = str(rec(choice)?.id);
        if (choiceId)
          choices.set(choiceId, { text: str(rec(choice)?.text) ?? choiceId, weight: num(rec(choice)?.weight) });
      }
      const rows = new Map<string, string>();
      for (const row of arr(answers?.rows)) {
        const rowId = str(rec(row)?.id);
        if (rowId) rows.set(rowId, str(rec(row)?.text) ?? rowId);
      }
      // Real `details` output has `other` as one object; the docs' create examples write an array.
      const otherRaw = rec(Array.isArray(answers?.other) ? answers.other[0] : answers?.other);
      const otherId = str(otherRaw?.id);
      questions.set(id, {
        heading: str(rec(arr(question.headings)[0])?.heading) ?? id,
        family: str(question.family),
        subtype: str(question.subtype),
        choices,
        rows,
        other: otherId ? { id: otherId, text: str(otherRaw?.text) ?? 'Other' } : undefined,
      });
    }
  }
  return { id: str(details.id), questions };
}

function isResponse(value: unknown): value is JsonRecord {
  return isRecord(value) && str(value.id) !== undefined && Array.isArray(value.pages);
}

/**
 * The body is the `responses/bulk` output (`{ data: [...] }`), one response, an array of responses, or
 * `{ responses, survey }` with the survey details beside them. Details can also come in `opts.surveyDetails`.
 */
function unwrap(body: unknown, opts: InboundOptions): { responses: unknown[]; details?: unknown } {
  let details = opts.surveyDetails;
  let payload = body;
  if (isRecord(body) && ('responses' in body || 'survey' in body || 'details' in body) && !('pages' in body)) {
    payload = body.responses;
    details ??= body.survey ?? body.details;
  }
  if (isRecord(payload) && Array.isArray(payload.data)) return { responses: payload.data, details };
  if (Array.isArray(payload)) return { responses: payload, details };
  if (isResponse(payload)) return { responses: [payload], details };
  throw new InboundPayloadError(
    'unrecognised_payload',
    'surveymonkey expects the responses/bulk output ({ data: [{ id, pages: [...] }] }), one response, or { responses, survey }',
  );
}

interface OpenAnswer {
  questionId: string;
  questionText?: string | undefined;
  text: string;
}

/**
 * SurveyMonkey API v3 responses → one `survey` feedback per open-ended answer. With the survey details,
 * ids become text, the weighted choice of a rating matrix becomes the rating (normalised to 1–5), choice
 * answers go to `details.answers`, and open answers to questions about the person (postcode, name) are
 * kept as answers rather than feedback. Without details, a text answer that is only a postcode, email
 * or phone number is not feedback. "Other (please specify)" text is an answer, not feedback.
 */
export function mapSurveyMonkey(body: unknown, opts: InboundOptions = {}): InboundResult {
  const { responses, details } = unwrap(body, opts);
  if (details !== undefined && !isSurveyDetails(details)) {
    throw new InboundPayloadError(
      'unrecognised_survey_details',
      'surveymonkey survey details must be the GET /v3/surveys/{id}/details output ({ pages: [{ questions: [...] }] })',
    );
  }
  if (responses.length > 0 && !responses.some(isResponse)) {
    throw new InboundPayloadError('unrecognised_payload', 'surveymonkey expects responses with { id, pages: [...] }');
  }
  const survey = details ? readSurveyDetails(details) : undefined;
  const result: InboundResult = { items: [], skipped: [] };
  for (const response of responses) {
    if (!isResponse(response)) {
      result.skipped.push({ reason: 'not a SurveyMonkey response' });
      continue;
    }
    const responseId = String(str(response.id));
    if (response.response_status === 'disqualified') {
      result.skipped.push({ reason: 'the response was disqualified', ref: responseId });
      continue;
    }
    const answers: Record<string, AnswerValue> = {};
    const open: OpenAnswer[] = [];
    let rating: { value: number; raw: number; scale: number } | undefined;

    for (const page of arr(response.pages)) {
      for (const rawQuestion of arr(rec(page)?.questions)) {
        const question = rec(rawQuestion);
        const questionId = str(question?.id);
        if (!question || !questionId) continue;
        const definition = survey?.questions.get(questionId);
        const heading = definition?.heading ?? questionId;
        for (const rawAnswer of arr(question.answers)) {
          const answer = rec(rawAnswer) ?? {};
          const choiceId = str(answer.choice_id);
          const otherId = str(answer.other_id);
          const text = typeof answer.text === 'string' ? cleanText(answer.text) : '';
          if (otherId || (text && choiceId)) {
            putAnswer(answers, `${heading} - ${definition?.other?.text ?? 'Other'}`, text);
            continue;
          }
          if (text) {
            const aboutPerson = definition && (CONTACT_QUESTION.test(heading) || PROFILE_QUESTION.test(heading));
            if (aboutPerson || isIdentifierValue(text)) {
              if (!definition || !CONTACT_QUESTION.test(heading)) putAnswer(answers, heading, text);
            } else {
              open.push({ questionId, questionText: definition?.heading, text });
            }
            continue;
          }
          if (!choiceId) continue;
          const choice = definition?.choices.get(choiceId);
          const row = str(answer.row_id);
          const label = row ? `${heading} - ${definition?.rows.get(row) ?? row}` : heading;
          putAnswer(answers, label, choice?.text ?? choiceId);
          if (
            definition?.family === 'matrix' &&
            definition.subtype === 'rating' &&
            choice?.weight !== undefined &&
            !rating
          ) {
            const weights = [...definition.choices.values()]
              .map((c) => c.weight)
              .filter((w): w is number => w !== undefined);
            const min = Math.min(...weights);
            const max = Math.max(...weights);
            const value = normaliseRating(choice.weight, min, max);
            if (value !== undefined) rating = { value, raw: choice.weight, scale: max };
          }
        }
      }
    }
    for (const [key, value] of Object.entries(rec(response.custom_variables) ?? {})) {
      if (typeof value === 'string' && value !== '') putAnswer(answers, key, value);
    }
    if (open.length === 0) {
      result.skipped.push({ reason: 'the response has no open-ended answer', ref: responseId });
      continue;
    }
    const surveyId = str(response.survey_id) ?? survey?.id;
    for (const answer of open) {
      const item: FeedbackInputRaw = compact({
        channel: 'survey' as const,
        text: answer.text,
        rating: rating?.value,
        receivedAt: toIsoInstant(response.date_modified) ?? toIsoInstant(response.date_created),
        source: 'surveymonkey',
        externalId: boundedId(`${responseId}:${answer.questionId}`),
        details: compact({
          kind: 'survey' as const,
          source: 'surveymonkey',
          surveyId: surveyId?.slice(0, 200),
          questionId: answer.questionId.slice(0, 200),
          questionText: answer.questionText?.slice(0, 2000),
          rating: rating?.raw,
          ratingScale: rating && rating.scale >= 2 && rating.scale <= 100 ? rating.scale : undefined,
          respondentId: responseId.slice(0, 200),
          answers: Object.keys(answers).length > 0 ? answers : undefined,
        }),
      });
      result.items.push(item);
    }
  }
  return result;
}

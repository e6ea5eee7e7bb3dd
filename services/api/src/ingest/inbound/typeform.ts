import type { FeedbackInputRaw } from '@closeloop/domain';
import { asksToContact, buildContact } from '../contact.ts';
import { toIsoInstant } from '../dates.ts';
import { InboundPayloadError } from '../errors.ts';
import { normaliseRating } from '../rating.ts';
import { type AnswerValue, CONTACT_QUESTION, PROFILE_QUESTION, putAnswer } from '../survey-answers.ts';
import { boundedId, cleanText } from '../text.ts';
import { arr, bool, compact, isRecord, type JsonRecord, num, rec, str } from '../values.ts';
import type { InboundResult } from './types.ts';

interface FieldDefinition {
  id: string;
  ref?: string | undefined;
  type?: string | undefined;
  title: string;
  properties: JsonRecord;
}

/** Rating fields default to 5 steps from 1; opinion scales to 11 steps from 0 (Typeform's defaults). */
function scaleOf(
  field: FieldDefinition | undefined,
  answerFieldType: string | undefined,
): { min: number; max: number } {
  const type = field?.type ?? answerFieldType;
  const steps = num(field?.properties.steps);
  if (type === 'opinion_scale' || type === 'nps') {
    const min = bool(field?.properties.start_at_one) ? 1 : 0;
    return { min, max: min + (steps ?? 11) - 1 };
  }
  return { min: 1, max: steps ?? 5 };
}

function answerValue(answer: JsonRecord): AnswerValue | undefined {
  switch (answer.type) {
    case 'choice':
      return str(rec(answer.choice)?.label) ?? str(rec(answer.choice)?.other) ?? null;
    case 'choices': {
      const choices = rec(answer.choices);
      const labels = arr(choices?.labels)
        .map(str)
        .filter((label): label is string => Boolean(label));
      const other = str(choices?.other);
      return [...labels, ...(other ? [other] : [])].join('; ');
    }
    case 'number':
      return num(answer.number) ?? null;
    case 'boolean':
      return bool(answer.boolean) ?? null;
    case 'payment':
      return null;
    default: {
      const value = answer[String(answer.type)];
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
    }
  }
}

/**
 * Typeform `form_response` webhook → one `survey` feedback per open-text answer (long text; short text only
 * when the form has no long-text answer and the question is not about the person). The first rating or
 * opinion-scale answer becomes the rating (normalised to 1–5; raw value and scale kept in details), other
 * answers and hidden fields go to `details.answers` by question title, and an email/phone answer becomes
 * the contact, with consent when a yes/no question asks to contact the person.
 */
export function mapTypeform(body: unknown): InboundResult {
  const response = isRecord(body) ? rec(body.form_response) : undefined;
  if (!isRecord(body) || !response || !Array.isArray(response.answers)) {
    throw new InboundPayloadError(
      'unrecognised_payload',
      'typeform expects a form_response webhook body ({ event_type: "form_response", form_response: { answers: [] } })',
    );
  }
  const definition = rec(response.definition);
  const fields = new Map<string, FieldDefinition>();
  for (const raw of arr(definition?.fields)) {
    const field = rec(raw);
    const id = str(field?.id);
    if (!field || !id) continue;
    fields.set(id, {
      id,
      ref: str(field.ref),
      type: str(field.type),
      title: str(field.title) ?? id,
      properties: rec(field.properties) ?? {},
    });
  }

  const token = str(response.token) ?? str(body.event_id);
  const formId = str(response.form_id) ?? str(definition?.id);
  const answers: Record<string, AnswerValue> = {};
  const openAnswers: { field: FieldDefinition; text: string; long: boolean }[] = [];
  let rating: { value: number; raw: number; scale: number } | undefined;
  let email: string | undefined;
  let phone: string | undefined;
  let consentContact: boolean | undefined;

  for (const raw of response.answers) {
    const answer = rec(raw);
    if (!answer) continue;
    const answerField = rec(answer.field);
    const fieldId = str(answerField?.id) ?? '';
    const fieldType = str(answerField?.type);
    const field = fields.get(fieldId) ?? {
      id: fieldId,
      ref: str(answerField?.ref),
      type: fieldType,
      title: str(answerField?.ref) ?? fieldId,
      properties: {},
    };
    const type = field.type ?? fieldType;
    if (answer.type === 'email') {
      email = str(answer.email);
      continue;
    }
    if (answer.type === 'phone_number') {
      phone = str(answer.phone_number);
      continue;
    }
    if (answer.type === 'text' && (type === 'long_text' || type === 'short_text')) {
      const text = cleanText(String(answer.text ?? ''));
      const aboutPerson = CONTACT_QUESTION.test(field.title) || PROFILE_QUESTION.test(field.title);
      if (text && !(type === 'short_text' && aboutPerson)) {
        openAnswers.push({ field, text, long: type === 'long_text' });
        continue;
      }
      if (aboutPerson) continue;
    }
    const value = answerValue(answer);
    if ((type === 'rating' || type === 'opinion_scale' || type === 'nps') && typeof value === 'number' && !rating) {
      const { min, max } = scaleOf(field, fieldType);
      const normalised = normaliseRating(value, min, max);
      if (normalised !== undefined) rating = { value: normalised, raw: value, scale: max };
    }
    if (typeof value === 'boolean' && (asksToContact(field.title) || /contact/i.test(field.ref ?? '')))
      consentContact = value;
    if (value !== undefined) putAnswer(answers, field.title, value);
  }
  for (const [key, value] of Object.entries(rec(response.hidden) ?? {})) {
    if (typeof value === 'string' && value !== '') putAnswer(answers, `hidden:${key}`, value);
  }

  const feedbackAnswers = openAnswers.some((open) => open.long) ? openAnswers.filter((open) => open.long) : openAnswers;
  if (feedbackAnswers.length === 0) {
    return {
      items: [],
      skipped: [{ reason: 'the response has no open-text answer', ...(token ? { ref: token } : {}) }],
    };
  }
  const contact = buildContact({ email, phone, consentContact });
  const items = feedbackAnswers.map(
    (open): FeedbackInputRaw =>
      compact({
        channel: 'survey' as const,
        text: open.text,
        rating: rating?.value,
        receivedAt: toIsoInstant(response.submitted_at),
        source: token ? 'typeform' : undefined,
        externalId: token ? boundedId(`${token}:${open.field.id}`) : undefined,
        details: compact({
          kind: 'survey' as const,
          source: 'typeform',
          surveyId: formId?.slice(0, 200),
          questionId: open.field.id.slice(0, 200),
          questionText: open.field.title.slice(0, 2000),
          rating: rating?.raw,
          ratingScale: rating && rating.scale >= 2 && rating.scale <= 100 ? rating.scale : undefined,
          respondentId: token?.slice(0, 200),
          answers: Object.keys(answers).length > 0 ? answers : undefined,
        }),
        contact,
      }),
  );
  return { items, skipped: [] };
}

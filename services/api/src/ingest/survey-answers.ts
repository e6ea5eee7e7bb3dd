/** Shared rules for survey answers, used by the Typeform/SurveyMonkey mappers and the CSV/XLSX importer. */

/** Questions whose answers identify or locate the person: never feedback text, never copied into `answers`. */
export const CONTACT_QUESTION =
  /\b(e-?mail|phone|mobile|telephone|ffôn|e-?bost|your name|full name|first name|last name|surname|enw)\b/i;

/** Short factual questions (where, who) whose free-text answer is data about the respondent, not feedback. */
export const PROFILE_QUESTION =
  /\b(post ?code|zip|cod post|address|cyfeiriad|age|oed|ward|house number|date of birth|gender|ethnicity)\b/i;

/** A value that is only a postcode, email address or phone number. */
export function isIdentifierValue(value: string): boolean {
  const text = value.trim();
  return (
    /^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$/i.test(text) ||
    /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text) ||
    /^\+?[\d ()-]{7,20}$/.test(text)
  );
}

export type AnswerValue = string | number | boolean | null;

/** `answers` keys are limited to 500 characters and values to 20,000 by the survey details schema. */
export function putAnswer(answers: Record<string, AnswerValue>, question: string, value: AnswerValue): void {
  const key = question.trim().slice(0, 500);
  if (!key) return;
  answers[key] = typeof value === 'string' ? value.slice(0, 20_000) : value;
}

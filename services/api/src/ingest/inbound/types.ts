import type { FeedbackInputRaw } from '@closeloop/domain';

export interface InboundSkip {
  reason: string;
  ref?: string;
}

export interface InboundResult {
  items: FeedbackInputRaw[];
  skipped: InboundSkip[];
}

export interface InboundOptions {
  /** SurveyMonkey `GET /v3/surveys/{id}/details`, to turn question and choice ids back into text. */
  surveyDetails?: unknown;
}

/** Raw bodies (email, RSS/Atom) arrive as text; JSON sources arrive parsed. */
export type InboundBody = unknown;

import type { ActionRow, PublicationRow } from '@closeloop/db';
import type { FeedbackInput } from '@closeloop/domain';

/**
 * What each event's `data` carries. Feedback events stay thin (ids, channel, rating, analysis
 * results on the redacted text): the raw text and contact details are read with an API key, not pushed.
 */
export function feedbackReceivedData(
  accepted: { id: string; created?: boolean },
  input: Pick<FeedbackInput, 'channel'> & Partial<Pick<FeedbackInput, 'rating' | 'language' | 'source' | 'externalId'>>,
): Record<string, unknown> {
  return {
    id: accepted.id,
    channel: input.channel,
    rating: input.rating ?? null,
    language: input.language ?? null,
    source: input.source ?? null,
    externalId: input.externalId ?? null,
  };
}

export function feedbackAnalysedData(analysis: {
  id: string;
  channel: string;
  language: string | null;
  redactedText: string;
  sentiment: { score: number; class: string };
  needsTriage: boolean;
  themes: { key: string; confidence: number; source: string }[];
}): Record<string, unknown> {
  return { ...analysis };
}

export function actionUpdatedData(action: ActionRow, statusChanged: boolean): Record<string, unknown> {
  return {
    id: action.id,
    title: action.title,
    status: action.status,
    statusChanged,
    dueOn: action.dueOn,
    publicStatement: action.publicStatement,
    completedAt: action.completedAt ? action.completedAt.toISOString() : null,
    updatedAt: action.updatedAt.toISOString(),
  };
}

export function publicationPublishedData(publication: PublicationRow): Record<string, unknown> {
  return {
    id: publication.id,
    youSaidId: publication.youSaidId,
    version: publication.version,
    publishedAt: publication.publishedAt ? publication.publishedAt.toISOString() : null,
  };
}

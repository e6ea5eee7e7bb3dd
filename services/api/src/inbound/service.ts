import type { Database, Sealer } from '@closeloop/db';
import type { FeedbackInput } from '@closeloop/domain';
import { type StoreManyDeps, storeMany } from '../feedback/bulk.ts';
import { type InboundSkip, type InboundSource, mapInbound } from '../ingest/index.ts';

export interface InboundOutcome {
  accepted: number;
  updated: number;
  skipped: InboundSkip[];
  ids: string[];
}

export interface InboundDeps {
  database: Database;
  sealer: Sealer;
  now: () => Date;
  afterChunk: StoreManyDeps['afterChunk'];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * SurveyMonkey's responses carry only question and choice ids; a sender may wrap them with the survey's
 * details (`GET /v3/surveys/{id}/details`) as `{ responses, survey }` to get the question texts.
 */
export function unwrapSurveyMonkey(body: unknown): { payload: unknown; surveyDetails?: unknown } {
  if (isRecord(body) && 'responses' in body && 'survey' in body) {
    return { payload: body.responses, surveyDetails: body.survey };
  }
  return { payload: body };
}

/**
 * Maps a payload in the source system's own format and stores every item, upserting on (source, externalId):
 * a repeat of the same ticket or post updates its row instead of adding one.
 */
export async function receiveInbound(
  deps: InboundDeps,
  orgId: string,
  source: InboundSource,
  body: unknown,
): Promise<InboundOutcome> {
  const { payload, surveyDetails } = source === 'surveymonkey' ? unwrapSurveyMonkey(body) : { payload: body };
  const mapped = await mapInbound(source, payload, surveyDetails === undefined ? {} : { surveyDetails });
  const skipped = [...mapped.skipped];
  if (mapped.items.length === 0) return { accepted: 0, updated: 0, skipped, ids: [] };
  const stored = await storeMany(deps, orgId, mapped.items as unknown[], { mode: 'upsert' });
  const outcome: InboundOutcome = { accepted: 0, updated: 0, skipped, ids: [] };
  for (const result of stored.results) {
    const item = mapped.items[result.index] as FeedbackInput | undefined;
    if (result.status === 'accepted' && result.id) {
      outcome.ids.push(result.id);
      if (result.created) outcome.accepted++;
      else outcome.updated++;
    } else {
      skipped.push({
        reason: (result.errors ?? []).map((e) => `${e.path}: ${e.message}`).join('; ') || 'rejected',
        ...(item?.externalId ? { ref: item.externalId } : {}),
      });
    }
  }
  return outcome;
}

import { createHash } from 'node:crypto';
import {
  EmbeddingMismatchError,
  isLinearModel,
  multiLabelMetrics,
  predictThemes,
  type ThemeModel,
  type TrainingExample,
  trainThemeModelParallel,
  type WordEmbeddings,
} from '@closeloop/analysis';
import { type Db, queryRows, schema } from '@closeloop/db';
import { sql } from 'drizzle-orm';
import type { WorkerDeps } from '../deps.ts';

export interface RetrainOptions {
  /** New training examples since the active model needed before a retrain. Default 50. */
  minNewExamples?: number;
  /** Fewest examples worth training on at all. Default 30. */
  minExamples?: number;
  /** Share of examples held out for evaluation. Default 0.2. */
  holdoutShare?: number;
  /** The new model is activated unless its holdout micro-F1 falls this far below the active one's. Default 0.01. */
  tolerance?: number;
  /** Most recent examples used. Default 20,000. */
  maxExamples?: number;
  /**
   * The word-embedding table new models are trained with, e.g. `sharedWordEmbeddings` (built on first use if its
   * cache file is missing); `closeloop start` passes it unless THEME_MODEL_EMBEDDINGS=off. Default here null: no
   * embeddings (they cost ~12 % pipeline throughput and ~2× training time).
   */
  loadEmbeddings?: (() => Promise<WordEmbeddings>) | null;
  /**
   * Worker threads the theme models train on (the same model as in one thread, ~1.7× faster on two
   * cores; the event loop stays free meanwhile); `closeloop start` passes THEME_MODEL_TRAINING_THREADS. Default
   * defaultTrainingThreads(): two, or one on a one-core machine; 1 trains in this thread.
   */
  trainingThreads?: number;
}

export type RetrainOutcome =
  | { status: 'skipped'; reason: string; newExamples: number }
  | {
      status: 'trained';
      version: number;
      activated: boolean;
      trainedOn: number;
      metrics: {
        micro_f1: number;
        macro_f1: number;
        exact_match: number;
        holdout: number;
        previous_micro_f1: number | null;
        per_label: Record<string, { precision: number; recall: number; f1: number; support: number }>;
      };
    };

interface ExampleRow {
  id: string;
  text: string;
  question: string | null;
  labels: string[];
}

/** Orgs whose training examples grew by at least `minNew` since their active theme model (or ever). */
export async function orgsDueForRetrain(db: Db, minNew: number): Promise<{ orgId: string; newExamples: number }[]> {
  return queryRows(
    db,
    sql`select t.org_id as "orgId", count(*)::int as "newExamples"
        from training_examples t
        left join model_versions m on m.org_id = t.org_id and m.kind = 'themes' and m.active
        where m.created_at is null or t.created_at > m.created_at
        group by t.org_id
        having count(*) >= ${minNew}
        order by t.org_id`,
  );
}

/** Holdout membership is a stable function of the example id, so successive runs compare like with like. */
function isHoldout(id: string, share: number): boolean {
  return createHash('sha256').update(id).digest().readUInt32BE(0) / 0x1_0000_0000 < share;
}

function evaluate(model: ThemeModel, examples: ExampleRow[], embeddings: WordEmbeddings | null) {
  return multiLabelMetrics(
    examples.map((e) => e.labels),
    examples.map((e) => predictThemes(model, e.text, e.question, embeddings).predicted),
  );
}

/** The active model's holdout scores, or null when it needs an embedding table other than this one. */
function evaluatePrevious(model: ThemeModel, examples: ExampleRow[], embeddings: WordEmbeddings | null) {
  try {
    return evaluate(model, examples, embeddings);
  } catch (err) {
    if (err instanceof EmbeddingMismatchError) return null;
    throw err;
  }
}

const toExample = (e: ExampleRow): TrainingExample => ({ text: e.text, labels: e.labels, question: e.question });

/**
 * Trains the organisation's theme model on its training examples when enough are new: evaluates on
 * a holdout split (against the active model too), then stores a model trained on every example as a
 * new `model_versions` row, active unless it scores worse than the model it would replace. Running
 * workers pick it up through the analyser cache's fingerprint check.
 */
export function createRetrainer(deps: Pick<WorkerDeps, 'database' | 'logger'>, opts: RetrainOptions = {}) {
  const minNew = opts.minNewExamples ?? 50;
  const minExamples = opts.minExamples ?? 30;
  const share = opts.holdoutShare ?? 0.2;
  const tolerance = opts.tolerance ?? 0.01;
  const maxExamples = opts.maxExamples ?? 20_000;
  const loadEmbeddings = opts.loadEmbeddings ?? null;
  const threads = opts.trainingThreads;

  /** `force`: train even with fewer than `minNewExamples` new examples (still needs `minExamples`). */
  return async function retrain(orgId: string, log = deps.logger, force = false): Promise<RetrainOutcome> {
    const { db } = deps.database;
    const [active] = await queryRows<{ version: number; model: string; createdAt: Date | string }>(
      db,
      sql`select version, model, created_at as "createdAt" from model_versions
          where org_id = ${orgId} and kind = 'themes' and active order by version desc limit 1`,
    );
    const [fresh] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from training_examples
          where org_id = ${orgId} ${active ? sql`and created_at > ${new Date(active.createdAt).toISOString()}::timestamptz` : sql``}`,
    );
    const newExamples = fresh?.n ?? 0;
    if (newExamples < minNew && !force) {
      return { status: 'skipped', reason: `${newExamples} new examples (< ${minNew})`, newExamples };
    }
    const rows = await queryRows<ExampleRow>(
      db,
      sql`select id, text, question, labels from training_examples
          where org_id = ${orgId} and cardinality(labels) > 0 and length(text) > 0
          order by created_at desc limit ${maxExamples}`,
    );
    if (rows.length < minExamples) {
      return { status: 'skipped', reason: `${rows.length} labelled examples (< ${minExamples})`, newExamples };
    }
    const holdout = rows.filter((r) => isHoldout(r.id, share));
    const train = rows.filter((r) => !isHoldout(r.id, share));
    if (holdout.length === 0 || train.length < minExamples / 2) {
      return { status: 'skipped', reason: 'too few examples to hold some out', newExamples };
    }
    const started = Date.now();
    const embeddings = loadEmbeddings ? await loadEmbeddings() : null;
    // a thread that cannot start leaves its work to this one: the same model, only slower
    const onFallback = (reason: string) => log.warn({ orgId, reason }, 'theme model trained without worker threads');
    const trainOpts = { seed: 7, embeddings, threads, onFallback };
    const candidate = await trainThemeModelParallel(train.map(toExample), trainOpts);
    const report = evaluate(candidate, holdout, embeddings);
    const previousModel = active ? (JSON.parse(active.model) as unknown) : null;
    const previous =
      previousModel && isLinearModel(previousModel) ? evaluatePrevious(previousModel, holdout, embeddings) : null;
    const activate = previous === null || report.micro_f1 >= previous.micro_f1 - tolerance;
    const model = await trainThemeModelParallel(rows.map(toExample), trainOpts);
    const metrics = {
      micro_f1: report.micro_f1,
      macro_f1: report.macro_f1,
      exact_match: report.exact_match,
      holdout: holdout.length,
      previous_micro_f1: previous?.micro_f1 ?? null,
      per_label: report.per_label,
    };
    const { per_label: _perLabel, ...figures } = metrics;
    const version = await db.transaction(async (tx) => {
      // One retrain per org at a time even with several workers: the lock lasts until commit.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`retrain:${orgId}`}))`);
      const [max] = await queryRows<{ v: number | null }>(
        tx,
        sql`select max(version) as v from model_versions where org_id = ${orgId} and kind = 'themes'`,
      );
      const next = (max?.v ?? 0) + 1;
      if (activate) {
        await tx.execute(
          sql`update model_versions set active = false where org_id = ${orgId} and kind = 'themes' and active`,
        );
      }
      await tx.insert(schema.modelVersions).values({
        orgId,
        kind: 'themes',
        version: next,
        model: JSON.stringify({ ...model, version: String(next) }),
        metrics: { ...metrics, trained_ms: Date.now() - started, evaluated_on: 'holdout', labels: model.labels.length },
        trainedOn: rows.length,
        active: activate,
      });
      await tx.insert(schema.auditLog).values({
        orgId,
        actorType: 'system',
        actorId: 'retrain',
        action: activate ? 'model.activated' : 'model.rejected',
        entityType: 'model_version',
        entityId: `themes:${next}`,
        data: { ...figures, forced: force && newExamples < minNew },
      });
      return next;
    });
    log.info({ orgId, version, activated: activate, ...figures }, 'theme model retrained');
    return { status: 'trained', version, activated: activate, trainedOn: rows.length, metrics };
  };
}

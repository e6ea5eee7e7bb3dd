import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createAnalyser, EmbeddingMismatchError, embeddingsFromVectors } from '@closeloop/analysis';
import { schema } from '@closeloop/db';
import { sharedWordEmbeddings } from '@closeloop/embeddings';
import { createLogger } from '@closeloop/logger';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createAnalyserCache, loadOrgAnalysisConfig } from '../src/analysers.ts';
import { createRetrainer } from '../src/processors/retrain.ts';
import { type OrgDatabase, withOrgDatabase } from './fixture.ts';

const logger = createLogger({ level: 'silent' });
const REPO = path.resolve(import.meta.dirname, '../../..');

describe('theme model retraining with word embeddings', () => {
  let t: OrgDatabase;
  beforeAll(async () => {
    t = await withOrgDatabase();
  });
  afterAll(async () => {
    await t.close();
  });

  test('stores a model that names its table, which the analysers load with it and refuse to pair with another', async () => {
    const examples = readFileSync(path.resolve(REPO, '../shared/data/themes/train.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { text: string; major_themes: string[] })
      .filter((e) => e.text.length > 20 && e.major_themes.length > 0)
      .slice(0, 300);
    const org = await t.createOrg('retrain-embeddings');
    await t.database.db
      .insert(schema.trainingExamples)
      .values(examples.map((e) => ({ orgId: org.id, text: e.text, labels: e.major_themes })));
    const table = await sharedWordEmbeddings();
    const retrain = createRetrainer(
      { database: t.database, logger },
      { minNewExamples: 100, loadEmbeddings: sharedWordEmbeddings },
    );
    expect(await retrain(org.id)).toMatchObject({ status: 'trained', version: 1, activated: true });

    const [row] = await t.database.db.select().from(schema.modelVersions).where(eq(schema.modelVersions.orgId, org.id));
    const stored = JSON.parse(row!.model) as { embedding?: { table: { hash: string; dims: number } } };
    expect(stored.embedding?.table).toMatchObject({ hash: table.hash, dims: 100 });

    const loaded = await loadOrgAnalysisConfig(t.database.db, org.id);
    expect(loaded.embeddings?.hash).toBe(table.hash);
    const result = (await createAnalyserCache(t.database.db).get(org.id)).analyser.analyse({
      text: 'The receptionist was rude and the wait for my appointment was far too long',
    });
    expect(result.error).toBeUndefined();
    expect(result.themes.some((th) => th.source === 'model')).toBe(true);

    const other = embeddingsFromVectors('another table', [['wait', [1, 0]]]);
    expect(() => createAnalyser({ ...loaded, embeddings: other })).toThrow(EmbeddingMismatchError);
  });
});

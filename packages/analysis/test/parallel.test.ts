import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type TrainingExample, type TrainOptions, trainLinearModel } from '../src/classifier.ts';
import { embeddingsFromVectors, type WordEmbeddings } from '../src/embeddings.ts';
import { groupKeys } from '../src/eval.ts';
import { trainLinearModelParallel, trainThemeModelParallel } from '../src/parallel.ts';
import { tokenise } from '../src/tokenise.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const dataFile = path.resolve(repoRoot, '../shared/data/themes/train.jsonl');

/** The first `count` rows of the FFT theme data (read here, never copied into the repository). */
function fftRows(count: number): { examples: TrainingExample[]; groups: (string | null)[] } {
  const rows = readFileSync(dataFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(0, count)
    .map((l) => JSON.parse(l) as { id: string; text: string; question: string | null; major_themes: string[] });
  return {
    examples: rows.map((r) => ({ text: r.text, labels: r.major_themes, question: r.question })),
    groups: groupKeys(
      rows.map((r) => r.id),
      '^(.*) - Q\\d+$',
    ),
  };
}

/** Synthetic rows: three topics in several settings, some with two labels, and groups of two. */
function syntheticRows(): { examples: TrainingExample[]; groups: (string | null)[] } {
  const topics: Record<string, string[]> = {
    parking: [
      'no parking spaces near the {x}',
      'the car park at the {x} was full',
      'parking at the {x} costs too much',
    ],
    food: ['the food at the {x} was cold', 'lunch in the {x} was tasty', 'a better menu in the {x} please'],
    staff: ['the nurse at the {x} was kind', 'reception staff at the {x} were rude', 'the doctor at the {x} listened'],
  };
  const places = ['clinic', 'hospital', 'library', 'centre', 'ward', 'surgery', 'office', 'hub'];
  const examples: TrainingExample[] = [];
  for (const [label, list] of Object.entries(topics)) {
    for (const t of list) for (const p of places) examples.push({ text: t.replace('{x}', p), labels: [label] });
  }
  places.forEach((p) => {
    examples.push({ text: `the food at the ${p} was cold and the nurse was rude`, labels: ['food', 'staff'] });
  });
  return { examples, groups: examples.map((_, i) => `r${Math.floor(i / 2)}`) };
}

/** An embeddings-like table over the examples' words: pseudo-random 16-d vectors, frequent words first. */
function tableFor(examples: TrainingExample[]): WordEmbeddings {
  const counts = new Map<string, number>();
  for (const e of examples) for (const t of tokenise(e.text)) counts.set(t.word, (counts.get(t.word) ?? 0) + 1);
  const words = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || (a < b ? -1 : 1));
  let seed = 11;
  const next = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296 - 0.5;
  };
  return embeddingsFromVectors(
    'test-table',
    words.map((w) => [w, Array.from({ length: 16 }, next)]),
  );
}

async function expectSameModel(
  examples: TrainingExample[],
  task: 'themes' | 'sentiment',
  opts: TrainOptions,
): Promise<void> {
  const single = trainLinearModel(examples, task, opts);
  const threaded = await trainLinearModelParallel(examples, task, { ...opts, threads: 2 });
  expect(threaded.fallback).toBeNull();
  expect(threaded.threads).toBe(2);
  expect(JSON.stringify(threaded.model)).toBe(JSON.stringify(single.model));
  expect(threaded.oofProbs).toEqual(single.oofProbs);
}

describe('training on worker threads', () => {
  describe.skipIf(!existsSync(dataFile))('on 400 rows of the FFT theme data', () => {
    const { examples, groups } = fftRows(400);

    it('trains the same model as one thread, bit for bit', async () => {
      await expectSameModel(examples, 'themes', { groups });
    });

    it('trains the same model with embedding-like dense features', async () => {
      await expectSameModel(examples, 'themes', { groups, embeddings: tableFor(examples) });
    });
  });

  it('trains the same model on synthetic rows, with and without dense features', async () => {
    const { examples, groups } = syntheticRows();
    await expectSameModel(examples, 'themes', { groups });
    await expectSameModel(examples, 'themes', { groups, embeddings: tableFor(examples), seed: 3 });
  });

  it('trains the same model without a committee or an ensemble (the refits on all rows)', async () => {
    const { examples } = syntheticRows();
    await expectSameModel(examples, 'themes', { committee: false });
    await expectSameModel(examples, 'themes', { committee: false, ensemble: false });
    await expectSameModel(examples, 'themes', { ensemble: false });
  });

  it('trains in this thread with threads: 1', async () => {
    const { examples } = syntheticRows();
    const threaded = await trainLinearModelParallel(examples, 'themes', { threads: 1 });
    expect(threaded).toMatchObject({ threads: 0, fallback: null });
    expect(JSON.stringify(threaded.model)).toBe(JSON.stringify(trainLinearModel(examples, 'themes').model));
  });

  it('falls back to this thread, with the same model, when the threads cannot start', async () => {
    const { examples } = syntheticRows();
    const reasons: string[] = [];
    const threaded = await trainLinearModelParallel(examples, 'themes', {
      threads: 2,
      workerUrl: new URL('./no-such-worker.mjs', import.meta.url),
      onFallback: (reason) => reasons.push(reason),
    });
    expect(threaded.threads).toBe(0);
    expect(threaded.fallback).toMatch(/training thread/);
    expect(reasons).toEqual([threaded.fallback]);
    expect(JSON.stringify(threaded.model)).toBe(JSON.stringify(trainLinearModel(examples, 'themes').model));
  });

  it('gives the tasks of a thread that dies to the other thread (or this one), with the same model', async () => {
    const { examples, groups } = syntheticRows();
    const threaded = await trainLinearModelParallel(examples, 'themes', {
      groups,
      threads: 2,
      workerUrl: new URL('./fixtures/half-failing-worker.mjs', import.meta.url),
    });
    expect(threaded.fallback).toMatch(/exited \(code 3\)/);
    expect(threaded.threads).toBe(1);
    expect(JSON.stringify(threaded.model)).toBe(JSON.stringify(trainLinearModel(examples, 'themes', { groups }).model));
  });

  it('trainThemeModelParallel returns the theme model', async () => {
    const { examples } = syntheticRows();
    const model = await trainThemeModelParallel(examples, { version: 'v7' });
    expect(model).toMatchObject({ kind: 'closeloop.linear-ovr', task: 'themes', version: 'v7' });
  });
});

// Benchmark of the analysis pipeline: `npx tsx bench/analysis.ts` or `npm run bench -- analysis`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  classFromFivePoint,
  createAnalyser,
  defaultTaxonomy,
  normalise,
  type SentimentExample,
  type SentimentModel,
  type ThemeModel,
  type TrainingExample,
  tokenise,
  trainLinearModelParallel,
  trainSentimentModel,
  trainThemeModel,
} from '@closeloop/analysis';
import { sharedWordEmbeddings } from '@closeloop/embeddings';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataFile = path.resolve(repoRoot, '../shared/data/themes/train.jsonl');

interface Row {
  id: string;
  text: string;
  question: string | null;
  themes: string[];
  sentiment: number | null;
}

/** ~300-character texts made by joining consecutive answers and cutting at a word boundary. */
function texts300(rows: Row[], count: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (out.length < count) {
    let t = '';
    while (t.length < 300) t += `${rows[i++ % rows.length]!.text} `;
    const cut = t.lastIndexOf(' ', 300);
    out.push(t.slice(0, cut > 250 ? cut : 300));
  }
  return out;
}

/** Items per second of `fn` over `items`, repeated for at least `seconds` after a warm-up pass. */
function rate(items: string[], fn: (text: string) => unknown, seconds = 2): number {
  for (const t of items.slice(0, 500)) fn(t);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    for (const t of items) fn(t);
    n += items.length;
  }
  return n / ((performance.now() - start) / 1000);
}

interface TrainedModels {
  themeModel: ThemeModel;
  sentimentModel: SentimentModel;
  plainThemeModel: ThemeModel;
  plainSentimentModel: SentimentModel;
}

interface Throughput {
  avgLen: number;
  items: number;
  baseline: number;
  rules: number;
  themes: number;
  full: number;
  plain: number;
}

const MODELS_ENV = 'CLOSELOOP_BENCH_ANALYSIS_MODELS';
/** one-second rounds per analyser, interleaved; the median is reported (the machines here are noisy) */
const ROUNDS = 5;

/**
 * Items per second of each analyser, measured as a worker runs them: in a fresh process that loads the models
 * from JSON (not in the heap that just trained them), each warmed up first, then five interleaved rounds of one
 * second each, median.
 */
async function measureThroughput(rows: Row[], models: TrainedModels): Promise<Throughput> {
  const embeddings = await sharedWordEmbeddings();
  const items = texts300(rows, 2000);
  const avgLen = items.reduce((a, t) => a + t.length, 0) / items.length;
  const analysers = {
    rules: createAnalyser({ taxonomy: defaultTaxonomy }),
    themes: createAnalyser({ taxonomy: defaultTaxonomy, themeModel: models.themeModel, embeddings }),
    full: createAnalyser({
      taxonomy: defaultTaxonomy,
      themeModel: models.themeModel,
      sentimentModel: models.sentimentModel,
      embeddings,
    }),
    plain: createAnalyser({
      taxonomy: defaultTaxonomy,
      themeModel: models.plainThemeModel,
      sentimentModel: models.plainSentimentModel,
    }),
  };
  const runs: Record<keyof typeof analysers | 'baseline', (t: string) => unknown> = {
    baseline: (t) => tokenise(normalise(t)),
    rules: (t) => analysers.rules.analyse({ text: t }),
    themes: (t) => analysers.themes.analyse({ text: t }),
    full: (t) => analysers.full.analyse({ text: t }),
    plain: (t) => analysers.plain.analyse({ text: t }),
  };
  const names = Object.keys(runs) as (keyof typeof runs)[];
  for (const name of names) rate(items, runs[name], 1);
  const rates = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<keyof typeof runs, number[]>;
  for (let round = 0; round < ROUNDS; round++) for (const name of names) rates[name].push(rate(items, runs[name], 1));
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    avgLen,
    items: items.length,
    baseline: median(rates.baseline),
    rules: median(rates.rules),
    themes: median(rates.themes),
    full: median(rates.full),
    plain: median(rates.plain),
  };
}

/** Runs `measureThroughput` in a child process (this CLI, same benchmark) on models handed over as a JSON file. */
function throughputInChild(models: TrainedModels): Throughput {
  const dir = mkdtempSync(path.join(tmpdir(), 'closeloop-bench-'));
  const file = path.join(dir, 'models.json');
  try {
    writeFileSync(file, JSON.stringify(models));
    const stdout = execFileSync(process.execPath, [path.join(repoRoot, 'bin/closeloop.mjs'), 'bench', 'analysis'], {
      env: { ...process.env, [MODELS_ENV]: file },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    });
    const line = stdout.trim().split('\n').pop() ?? '';
    return JSON.parse(line) as Throughput;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readRows(): Row[] {
  return readFileSync(dataFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
}

export async function benchAnalysis(out: NodeJS.WritableStream): Promise<void> {
  const modelsFile = process.env[MODELS_ENV];
  if (modelsFile) {
    // the child of throughputInChild: one JSON line of figures
    const models = JSON.parse(readFileSync(modelsFile, 'utf8')) as TrainedModels;
    out.write(`${JSON.stringify(await measureThroughput(readRows(), models))}\n`);
    return;
  }
  const rows = readRows();
  const training: TrainingExample[] = Array.from({ length: 5000 }, (_, i) => {
    const r = rows[i % rows.length]!;
    return { text: r.text, labels: r.themes, question: r.question };
  });
  let t0 = performance.now();
  const embeddings = await sharedWordEmbeddings();
  const embeddingsLoadSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const plainThemeModel = trainThemeModel(training);
  const plainTrainSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const singleThreadModel = trainThemeModel(training, { embeddings });
  const singleThreadSeconds = (performance.now() - t0) / 1000;
  // as the worker's retrain job and `closeloop eval` train: the SVM fits on worker threads, the same model
  t0 = performance.now();
  const threaded = await trainLinearModelParallel(training, 'themes', { embeddings });
  const themeTrainSeconds = (performance.now() - t0) / 1000;
  const themeModel = threaded.model;
  const sameModel = JSON.stringify(themeModel) === JSON.stringify(singleThreadModel);
  const threadsNote = threaded.fallback
    ? `in this thread: ${threaded.fallback}`
    : `${threaded.threads} thread${threaded.threads === 1 ? '' : 's'}`;
  const sentimentTraining: SentimentExample[] = rows
    .filter((r) => r.sentiment !== null)
    .map((r) => ({ text: r.text, question: r.question, sentiment: classFromFivePoint(r.sentiment!)! }));
  t0 = performance.now();
  const sentimentModel = trainSentimentModel(sentimentTraining, { embeddings });
  const sentimentTrainSeconds = (performance.now() - t0) / 1000;
  const plainSentimentModel = trainSentimentModel(sentimentTraining);

  const tp = throughputInChild({ themeModel, sentimentModel, plainThemeModel, plainSentimentModel });
  const fmt = (x: number) => Math.round(x).toLocaleString('en-GB');
  out.write(
    [
      `analysis benchmark (one core, ${tp.items} texts of ${Math.round(tp.avgLen)} characters on average; throughput in a`,
      `  fresh process that loads the trained models from JSON, as a worker does; median of ${ROUNDS} interleaved rounds)`,
      `  baseline normalise + tokenise           ${fmt(tp.baseline).padStart(9)} items/s`,
      `  pipeline, rules only                    ${fmt(tp.rules).padStart(9)} items/s  (${(tp.rules / tp.baseline).toFixed(3)} × baseline)`,
      `  pipeline + theme model (${themeModel.labels.length} labels)      ${fmt(tp.themes).padStart(9)} items/s  (${(tp.themes / tp.baseline).toFixed(3)} × baseline)`,
      `  pipeline + theme and sentiment models   ${fmt(tp.full).padStart(9)} items/s  (${(tp.full / tp.baseline).toFixed(3)} × baseline; target ≥ 5,000)`,
      `  … models without embeddings             ${fmt(tp.plain).padStart(9)} items/s  (${(tp.full / tp.plain).toFixed(3)} ratio with / without)`,
      `  word embeddings load (cached table)     ${embeddingsLoadSeconds.toFixed(2).padStart(9)} s`,
      `  training, theme model, 5,000 items      ${themeTrainSeconds.toFixed(1).padStart(9)} s        (${threadsNote}; target ≤ 30 s)`,
      `  … in one thread                         ${singleThreadSeconds.toFixed(1).padStart(9)} s        (${sameModel ? 'the same model' : 'A DIFFERENT MODEL'})`,
      `  … without embeddings, one thread        ${plainTrainSeconds.toFixed(1).padStart(9)} s`,
      `  training, sentiment model, ${sentimentTraining.length} items   ${sentimentTrainSeconds.toFixed(1).padStart(9)} s`,
      `  theme model JSON size                   ${(JSON.stringify(themeModel).length / 1e6).toFixed(1).padStart(9)} MB`,
      '',
    ].join('\n'),
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await benchAnalysis(process.stdout);
}

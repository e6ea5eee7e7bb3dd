// Benchmark of the analysis pipeline: `npx tsx bench/analysis.ts` or `npm run bench -- analysis`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  classFromFivePoint,
  createAnalyser,
  defaultTaxonomy,
  normalise,
  type SentimentExample,
  type TrainingExample,
  tokenise,
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

export async function benchAnalysis(out: NodeJS.WritableStream): Promise<void> {
  const rows: Row[] = readFileSync(dataFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
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
  const themeModel = trainThemeModel(training, { embeddings });
  const themeTrainSeconds = (performance.now() - t0) / 1000;
  const sentimentTraining: SentimentExample[] = rows
    .filter((r) => r.sentiment !== null)
    .map((r) => ({ text: r.text, question: r.question, sentiment: classFromFivePoint(r.sentiment!)! }));
  t0 = performance.now();
  const sentimentModel = trainSentimentModel(sentimentTraining, { embeddings });
  const sentimentTrainSeconds = (performance.now() - t0) / 1000;
  const plainSentimentModel = trainSentimentModel(sentimentTraining);

  const items = texts300(rows, 2000);
  const avgLen = items.reduce((a, t) => a + t.length, 0) / items.length;
  const baseline = rate(items, (t) => tokenise(normalise(t)));
  const withThemeModel = createAnalyser({ taxonomy: defaultTaxonomy, themeModel, embeddings });
  const full = createAnalyser({ taxonomy: defaultTaxonomy, themeModel, sentimentModel, embeddings });
  const plainFull = createAnalyser({
    taxonomy: defaultTaxonomy,
    themeModel: plainThemeModel,
    sentimentModel: plainSentimentModel,
  });
  const rulesOnly = createAnalyser({ taxonomy: defaultTaxonomy });
  const pipelineThemes = rate(items, (t) => withThemeModel.analyse({ text: t }));
  // with and without embeddings interleaved, median of three rounds each: the shared machine drifts
  const fullRates: number[] = [];
  const plainRates: number[] = [];
  for (let round = 0; round < 3; round++) {
    fullRates.push(rate(items, (t) => full.analyse({ text: t }), 1));
    plainRates.push(rate(items, (t) => plainFull.analyse({ text: t }), 1));
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const pipelineFull = median(fullRates);
  const pipelinePlain = median(plainRates);
  const pipelineRules = rate(items, (t) => rulesOnly.analyse({ text: t }));
  const fmt = (x: number) => Math.round(x).toLocaleString('en-GB');
  out.write(
    [
      `analysis benchmark (one core, ${items.length} texts of ${Math.round(avgLen)} characters on average)`,
      `  baseline normalise + tokenise           ${fmt(baseline).padStart(9)} items/s`,
      `  pipeline, rules only                    ${fmt(pipelineRules).padStart(9)} items/s  (${(pipelineRules / baseline).toFixed(3)} × baseline)`,
      `  pipeline + theme model (${themeModel.labels.length} labels)      ${fmt(pipelineThemes).padStart(9)} items/s  (${(pipelineThemes / baseline).toFixed(3)} × baseline)`,
      `  pipeline + theme and sentiment models   ${fmt(pipelineFull).padStart(9)} items/s  (${(pipelineFull / baseline).toFixed(3)} × baseline; target ≥ 5,000)`,
      `  … models without embeddings             ${fmt(pipelinePlain).padStart(9)} items/s  (${(pipelineFull / pipelinePlain).toFixed(3)} ratio with / without)`,
      `  word embeddings load (cached table)     ${embeddingsLoadSeconds.toFixed(2).padStart(9)} s`,
      `  training, theme model, 5,000 items      ${themeTrainSeconds.toFixed(1).padStart(9)} s        (target ≤ 30 s)`,
      `  … without embeddings                    ${plainTrainSeconds.toFixed(1).padStart(9)} s`,
      `  training, sentiment model, ${sentimentTraining.length} items   ${sentimentTrainSeconds.toFixed(1).padStart(9)} s`,
      `  theme model JSON size                   ${(JSON.stringify(themeModel).length / 1e6).toFixed(1).padStart(9)} MB`,
      '',
    ].join('\n'),
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await benchAnalysis(process.stdout);
}

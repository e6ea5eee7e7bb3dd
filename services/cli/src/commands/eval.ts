import { readFileSync, writeFileSync } from 'node:fs';
import {
  classFromFivePoint,
  classificationMetrics,
  crossValidate,
  crossValidateAsync,
  defaultTrainingThreads,
  fivePointFromClass,
  groupKeys,
  type MultiLabelReport,
  multiLabelMetrics,
  predictSentiment,
  predictThemes,
  SENTIMENT_CLASSES,
  type SentimentClass,
  type ThemeModel,
  trainLinearModelParallel,
  trainSentimentModel,
  type WordEmbeddings,
} from '@closeloop/analysis';
import { evalPiiCommand } from './eval-pii.ts';

const USAGE =
  'usage: closeloop eval themes|sentiment|pii (--train FILE --test FILE | --train FILE --cv K [--group-pattern REGEX]) ' +
  '[--label-field NAME] [--seed N] [--embeddings on|off] [--threads N] [--predictions OUT.jsonl] [--json]';

class UsageError extends Error {}

interface Flags {
  train?: string;
  test?: string;
  labelField?: string;
  predictions?: string;
  cv?: number;
  groupPattern?: string;
  /** fold assignment seed of --cv (default 42) */
  seed?: number;
  /** train with the word-embedding features (default on) */
  embeddings: boolean;
  /** worker threads training the theme models (default defaultTrainingThreads(); 1: in this thread) */
  threads?: number;
  json: boolean;
}

const VALUE_FLAGS: Record<string, keyof Flags> = {
  '--train': 'train',
  '--test': 'test',
  '--label-field': 'labelField',
  '--predictions': 'predictions',
  '--cv': 'cv',
  '--group-pattern': 'groupPattern',
  '--seed': 'seed',
  '--embeddings': 'embeddings',
  '--threads': 'threads',
};

function parseFlags(args: string[]): Flags {
  const flags: Flags = { json: false, embeddings: true };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [name, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    if (name === '--json') {
      flags.json = true;
      continue;
    }
    const key = VALUE_FLAGS[name];
    if (!key) throw new UsageError(`unknown argument ${arg}`);
    const value = inline ?? args[++i];
    if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
    if (key === 'cv') {
      const k = Number(value);
      if (!Number.isInteger(k) || k < 2) throw new UsageError('--cv needs an integer of at least 2');
      flags.cv = k;
    } else if (key === 'seed') {
      const seed = Number(value);
      if (!Number.isInteger(seed)) throw new UsageError('--seed needs an integer');
      flags.seed = seed;
    } else if (key === 'threads') {
      const threads = Number(value);
      if (!Number.isInteger(threads) || threads < 1) throw new UsageError('--threads needs an integer of at least 1');
      flags.threads = threads;
    } else if (key === 'embeddings') {
      if (value !== 'on' && value !== 'off') throw new UsageError('--embeddings needs on or off');
      flags.embeddings = value === 'on';
    } else if (key !== 'json') flags[key] = value;
  }
  if (!flags.train) throw new UsageError('--train FILE is required');
  if (flags.cv === undefined && !flags.test) throw new UsageError('give --test FILE, or --cv K');
  if (flags.cv !== undefined && flags.test) throw new UsageError('--cv and --test cannot be combined');
  if (flags.groupPattern) {
    try {
      new RegExp(flags.groupPattern);
    } catch {
      throw new UsageError(`--group-pattern is not a valid regular expression: ${flags.groupPattern}`);
    }
  }
  return flags;
}

type Row = Record<string, unknown>;

function readJsonl(file: string): Row[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const rows: Row[] = [];
  text.split('\n').forEach((line, n) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new UsageError(`${file}:${n + 1}: not valid JSON`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new UsageError(`${file}:${n + 1}: not a JSON object`);
    }
    if (typeof (value as Row).text !== 'string') throw new UsageError(`${file}:${n + 1}: no "text" string`);
    rows.push(value as Row);
  });
  if (rows.length === 0) throw new UsageError(`${file} has no rows`);
  return rows;
}

function pickLabelField(rows: Row[], given: string | undefined): string {
  if (given) return given;
  for (const field of ['themes', 'categories', 'labels', 'label']) if (rows.some((r) => field in r)) return field;
  throw new UsageError('rows have none of themes, categories, labels, label: give --label-field');
}

function labelsOf(row: Row, field: string): string[] {
  const v = row[field];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (typeof v === 'string') return [v];
  if (typeof v === 'number') return [String(v)];
  return [];
}

const idOf = (row: Row, i: number): string => (row.id == null ? String(i) : String(row.id));
const questionOf = (row: Row): string | null => (typeof row.question === 'string' ? row.question : null);
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

function printThemeTable(report: ThemeReport, threads: number, out: NodeJS.WritableStream): void {
  const on = threads > 0 ? `${threads} thread${threads > 1 ? 's' : ''}` : 'in-process';
  out.write(
    `items: train ${report.n_train}, test ${report.n_test}; labels ${report.labels}\n` +
      `micro-F1 ${report.micro_f1.toFixed(3)}  macro-F1 ${report.macro_f1.toFixed(3)}  exact match ${report.exact_match.toFixed(3)}\n` +
      `training ${report.train_seconds.toFixed(2)} s (${on}); prediction ${Math.round(report.items_per_second)} items/s\n\n`,
  );
  out.write(
    `${'label'.padEnd(60)} ${'prec'.padStart(6)} ${'recall'.padStart(6)} ${'F1'.padStart(6)} ${'support'.padStart(7)}\n`,
  );
  for (const [label, m] of Object.entries(report.per_label)) {
    out.write(
      `${label.slice(0, 60).padEnd(60)} ${m.precision.toFixed(3).padStart(6)} ${m.recall.toFixed(3).padStart(6)} ${m.f1.toFixed(3).padStart(6)} ${String(m.support).padStart(7)}\n`,
    );
  }
}

interface ThemeReport {
  n_train: number;
  n_test: number;
  labels: number;
  micro_f1: number;
  macro_f1: number;
  exact_match: number;
  per_label: MultiLabelReport['per_label'];
  train_seconds: number;
  items_per_second: number;
}

interface ThemeItem {
  id: string;
  text: string;
  question: string | null;
  labels: string[];
}

async function evalThemes(
  flags: Flags,
  embeddings: WordEmbeddings | null,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<void> {
  const trainRows = readJsonl(flags.train!);
  const field = pickLabelField(trainRows, flags.labelField);
  const toItem = (r: Row, i: number): ThemeItem => ({
    id: idOf(r, i),
    text: r.text as string,
    question: questionOf(r),
    labels: labelsOf(r, field),
  });
  const train = trainRows.map(toItem);
  const test = flags.test ? readJsonl(flags.test).map(toItem) : train;
  const groupsOf = (items: ThemeItem[]) =>
    flags.groupPattern
      ? groupKeys(
          items.map((it) => it.id),
          flags.groupPattern,
        )
      : undefined;

  let trainSeconds = 0;
  let predictSeconds = 0;
  // the SVM fits on worker threads: the same models as trainThemeModel, sooner
  const threads = flags.threads ?? defaultTrainingThreads();
  let threadsUsed = threads > 1 ? threads : 0;
  let fallbackShown = false;
  const fit = async (items: ThemeItem[]): Promise<ThemeModel> => {
    const t0 = performance.now();
    const trained = await trainLinearModelParallel(items, 'themes', { groups: groupsOf(items), embeddings, threads });
    trainSeconds += (performance.now() - t0) / 1000;
    threadsUsed = Math.min(threadsUsed, trained.threads);
    if (trained.fallback && !fallbackShown) {
      err.write(`closeloop eval: training in this thread instead: ${trained.fallback}\n`);
      fallbackShown = true;
    }
    return trained.model;
  };
  const predict = (model: ThemeModel, item: ThemeItem) => {
    const t0 = performance.now();
    const p = predictThemes(model, item.text, item.question, embeddings);
    predictSeconds += (performance.now() - t0) / 1000;
    return p;
  };
  const predictions = flags.cv
    ? await crossValidateAsync(train, flags.cv, fit, predict, { groups: groupsOf(train), seed: flags.seed ?? 42 })
    : await (async () => {
        const model = await fit(train);
        return test.map((item) => predict(model, item));
      })();
  const metrics = multiLabelMetrics(
    test.map((t) => t.labels),
    predictions.map((p) => p.predicted),
  );
  const report: ThemeReport = {
    n_train: train.length,
    n_test: test.length,
    labels: metrics.labels,
    micro_f1: round(metrics.micro_f1),
    macro_f1: round(metrics.macro_f1),
    exact_match: round(metrics.exact_match),
    per_label: Object.fromEntries(
      Object.entries(metrics.per_label).map(([l, m]) => [
        l,
        { precision: round(m.precision), recall: round(m.recall), f1: round(m.f1), support: m.support },
      ]),
    ),
    // with --cv: the mean training time of one fold
    train_seconds: round(trainSeconds / (flags.cv ?? 1), 3),
    items_per_second: round(predictSeconds > 0 ? test.length / predictSeconds : 0, 1),
  };
  if (flags.predictions) {
    const lines = test.map((item, i) => {
      const p = predictions[i]!;
      const scores = Object.fromEntries(Object.entries(p.scores).map(([l, s]) => [l, round(s)]));
      return JSON.stringify({ id: item.id, predicted: p.predicted, scores });
    });
    writeFileSync(flags.predictions, lines.length ? `${lines.join('\n')}\n` : '');
  }
  if (flags.json) out.write(`${JSON.stringify(report)}\n`);
  else printThemeTable(report, threadsUsed, out);
}

/** Sentiment labels: the 1–5 scale of the data README (1 = very positive … 5 = very negative) or class names. */
function sentimentOf(row: Row, field: string): SentimentClass | null {
  const v = row[field];
  if (typeof v === 'number') return classFromFivePoint(v);
  if (typeof v === 'string') {
    if ((SENTIMENT_CLASSES as readonly string[]).includes(v)) return v as SentimentClass;
    if (/^[1-5]$/.test(v)) return classFromFivePoint(Number(v));
  }
  return null;
}

function evalSentiment(flags: Flags, embeddings: WordEmbeddings | null, out: NodeJS.WritableStream): void {
  const field = flags.labelField ?? 'sentiment';
  const load = (file: string) =>
    readJsonl(file)
      .map((r, i) => ({
        id: idOf(r, i),
        text: r.text as string,
        question: questionOf(r),
        sentiment: sentimentOf(r, field),
      }))
      .filter(
        (r): r is { id: string; text: string; question: string | null; sentiment: SentimentClass } =>
          r.sentiment !== null,
      );
  const train = load(flags.train!);
  const test = flags.test ? load(flags.test) : train;
  if (train.length === 0) throw new UsageError(`no rows with a "${field}" label in ${flags.train}`);
  const groups = flags.groupPattern
    ? groupKeys(
        train.map((t) => t.id),
        flags.groupPattern,
      )
    : undefined;
  const fit = (items: typeof train) => trainSentimentModel(items, { embeddings });
  const predict = (model: ReturnType<typeof fit>, item: (typeof train)[number]) =>
    fivePointFromClass(predictSentiment(model, item.text, item.question, embeddings).class);
  const predicted = flags.cv
    ? crossValidate(train, flags.cv, fit, predict, { groups, seed: flags.seed ?? 42 })
    : (() => {
        const model = fit(train);
        return test.map((item) => predict(model, item));
      })();
  const metrics = classificationMetrics(
    test.map((t) => fivePointFromClass(t.sentiment)),
    predicted,
  );
  const report = {
    n_test: test.length,
    accuracy: round(metrics.accuracy),
    macro_f1: round(metrics.macro_f1),
    mae: round(metrics.mae),
  };
  if (flags.json) out.write(`${JSON.stringify(report)}\n`);
  else {
    out.write(
      `items: ${report.n_test}; accuracy ${report.accuracy.toFixed(3)}  macro-F1 ${report.macro_f1.toFixed(3)}  MAE ${report.mae.toFixed(3)} (1-5 scale)\n`,
    );
    for (const [cls, m] of Object.entries(metrics.per_class)) {
      out.write(
        `  ${cls}: precision ${m.precision.toFixed(3)} recall ${m.recall.toFixed(3)} F1 ${m.f1.toFixed(3)} support ${m.support}\n`,
      );
    }
  }
}

/** `closeloop eval themes|sentiment|pii …`: trains and scores, or cross-validates; returns the exit code. */
export async function evalCommand(
  argv: string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const [task, ...rest] = argv;
  if (task === 'pii') return evalPiiCommand(argv, out); // it reads its flags from argv[1] on
  try {
    if (task !== 'themes' && task !== 'sentiment') throw new UsageError(task ? `unknown eval task "${task}"` : USAGE);
    const flags = parseFlags(rest);
    // the table is built from the installed package on first use when its cache file is missing
    const embeddings = flags.embeddings
      ? await (await import('@closeloop/embeddings')).loadWordEmbeddings({ build: true })
      : null;
    if (task === 'themes') await evalThemes(flags, embeddings, out, err);
    else evalSentiment(flags, embeddings, out);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`closeloop eval: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

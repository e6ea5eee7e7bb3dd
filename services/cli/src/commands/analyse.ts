import { createInterface } from 'node:readline';
import {
  type AnalysisInput,
  createAnalyser,
  defaultTaxonomy,
  type SentimentModel,
  type ThemeDef,
  type ThemeModel,
  type WordEmbeddings,
} from '@closeloop/analysis';

export interface AnalyseCommandOptions {
  taxonomy?: ThemeDef[];
  themeModel?: ThemeModel | null;
  sentimentModel?: SentimentModel | null;
  /** the word-embedding table the models need, if they were trained with one */
  embeddings?: WordEmbeddings | null;
}

function parseItem(line: string): { id: unknown; input: AnalysisInput } {
  const value: unknown = JSON.parse(line);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('line is not a JSON object');
  const row = value as Record<string, unknown>;
  if (typeof row.text !== 'string') throw new Error('"text" must be a string');
  return {
    id: row.id ?? null,
    input: {
      text: row.text,
      question: typeof row.question === 'string' ? row.question : null,
      html: row.html === true,
    },
  };
}

/**
 * `closeloop analyse`: JSONL `{"id","text"}` (optional `question`, `html`) in, one JSON result line per item out.
 * A bad line yields `{"id":null,"error":"…"}` and processing continues. Flags such as `--org` are resolved by the
 * dispatcher into `opts` (taxonomy and models of the organisation).
 */
export async function analyseCommand(
  argv: string[],
  input: NodeJS.ReadableStream,
  out: NodeJS.WritableStream,
  opts: AnalyseCommandOptions = {},
): Promise<number> {
  const unknown = argv.filter((a, i) => a !== '--org' && argv[i - 1] !== '--org');
  if (unknown.length > 0) {
    process.stderr.write(`closeloop analyse: unknown argument ${unknown[0]}\n`);
    return 2;
  }
  const analyser = createAnalyser({
    taxonomy: opts.taxonomy ?? defaultTaxonomy,
    themeModel: opts.themeModel ?? null,
    sentimentModel: opts.sentimentModel ?? null,
    embeddings: opts.embeddings ?? null,
  });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let record: string;
    try {
      const item = parseItem(line);
      const r = analyser.analyse(item.input);
      record = JSON.stringify({
        id: item.id,
        language: r.language,
        redacted: r.redacted,
        pii: r.pii.map((s) => ({ start: s.start, end: s.end, type: s.type })),
        sentiment: { score: Math.round(r.sentiment.score * 1000) / 1000, class: r.sentiment.class },
        themes: r.themes.map((t) => ({
          name: t.name,
          confidence: Math.round(t.confidence * 1000) / 1000,
          source: t.source,
        })),
        ...(r.truncated ? { truncated: true } : {}),
        ...(r.error ? { error: r.error } : {}),
      });
    } catch (err) {
      record = JSON.stringify({ id: null, error: err instanceof Error ? err.message : String(err) });
    }
    if (!out.write(`${record}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  return 0;
}

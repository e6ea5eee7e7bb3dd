import { readFile, writeFile } from 'node:fs/promises';
import { detectPii, evalPii, type PiiEvalResult, type PiiEvalRow, redactPii } from '@closeloop/analysis';

const USAGE = 'usage: closeloop eval pii --test FILE.jsonl [--json] [--predictions OUT.jsonl]';

interface PiiArgs {
  test: string;
  json: boolean;
  predictions?: string;
}

function parseArgs(argv: string[]): PiiArgs | string {
  if (argv[0] !== 'pii') return `expected "pii" as the first argument; ${USAGE}`;
  let test: string | undefined;
  let predictions: string | undefined;
  let json = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--test' || a === '--predictions') {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) return `${a} needs a file path; ${USAGE}`;
      if (a === '--test') test = v;
      else predictions = v;
      i++;
    } else return `unknown argument ${JSON.stringify(a)}; ${USAGE}`;
  }
  if (test === undefined) return `--test FILE is required; ${USAGE}`;
  return predictions === undefined ? { test, json } : { test, json, predictions };
}

function parseRows(content: string, file: string): PiiEvalRow[] | string {
  const rows: PiiEvalRow[] = [];
  const lines = content.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line.length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return `${file}:${n + 1}: not valid JSON`;
    }
    const row = value as Partial<PiiEvalRow> | null;
    if (
      row === null ||
      typeof row !== 'object' ||
      typeof row.text !== 'string' ||
      !Array.isArray(row.spans) ||
      !row.spans.every((s) => typeof s?.start === 'number' && typeof s.end === 'number' && typeof s.type === 'string')
    ) {
      return `${file}:${n + 1}: expected {"id","text","spans":[{"start","end","type"}]}`;
    }
    rows.push({ id: typeof row.id === 'string' ? row.id : String(n + 1), text: row.text, spans: row.spans });
  }
  return rows;
}

function pct(x: number): string {
  return (x * 100).toFixed(1).padStart(6);
}

function table(result: PiiEvalResult): string {
  const lines = [
    `PII spans, IoU >= 0.5, ${result.n_test} texts`,
    `overall    precision ${pct(result.precision)}  recall ${pct(result.recall)}  F2 ${pct(result.f2)}`,
    '',
    `${'type'.padEnd(15)} ${'precision'.padStart(9)} ${'recall'.padStart(7)} ${'F2'.padStart(6)} ${'support'.padStart(8)}`,
  ];
  for (const [type, s] of Object.entries(result.per_type)) {
    lines.push(
      `${type.padEnd(15)} ${pct(s.precision).padStart(9)} ${pct(s.recall).padStart(7)} ${pct(s.f2)} ${String(s.support).padStart(8)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `closeloop eval pii --test FILE [--json] [--predictions OUT]`: scores PII detection on a JSONL span file. */
export async function evalPiiCommand(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(`eval pii: ${args}\n`);
    return 2;
  }
  let content: string;
  try {
    content = await readFile(args.test, 'utf8');
  } catch (err) {
    process.stderr.write(`eval pii: cannot read ${args.test}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
    return 2;
  }
  const rows = parseRows(content, args.test);
  if (typeof rows === 'string') {
    process.stderr.write(`eval pii: ${rows}\n`);
    return 2;
  }
  const result = evalPii(rows);
  if (args.predictions !== undefined) {
    const lines = rows.map((r) => {
      const spans = detectPii(r.text);
      return JSON.stringify({ id: r.id, spans, redacted: redactPii(r.text, spans) });
    });
    await writeFile(args.predictions, lines.length > 0 ? `${lines.join('\n')}\n` : '');
  }
  out.write(args.json ? `${JSON.stringify(result)}\n` : table(result));
  return 0;
}

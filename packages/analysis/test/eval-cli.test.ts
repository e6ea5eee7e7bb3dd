import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { analyseCommand } from '../../../services/cli/src/commands/analyse.ts';
import { evalCommand } from '../../../services/cli/src/commands/eval.ts';

function sink() {
  let text = '';
  const stream = new PassThrough();
  stream.on('data', (d: Buffer) => {
    text += d.toString();
  });
  return { stream, text: () => text };
}

function tinyData(dir: string) {
  const rows = [];
  for (let i = 0; i < 24; i++) {
    rows.push({ id: `r${i} - Q1`, text: `the car park ${i} was full`, themes: ['Parking'], sentiment: 4 });
    rows.push({ id: `r${i} - Q2`, text: `the food ${i} was lovely`, themes: ['Food'], sentiment: 1 });
  }
  const train = join(dir, 'train.jsonl');
  const test = join(dir, 'test.jsonl');
  writeFileSync(train, rows.map((r) => JSON.stringify(r)).join('\n'));
  writeFileSync(
    test,
    rows
      .slice(0, 10)
      .map((r) => JSON.stringify(r))
      .join('\n'),
  );
  return { train, test };
}

describe('eval CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'closeloop-eval-'));
  const { train, test } = tinyData(dir);

  it('eval themes --json prints one object with exactly the agreed keys, and --predictions writes lines', async () => {
    const out = sink();
    const predictions = join(dir, 'pred.jsonl');
    const code = await evalCommand(
      ['themes', '--train', train, '--test', test, '--json', '--predictions', predictions],
      out.stream,
    );
    expect(code).toBe(0);
    const report = JSON.parse(out.text());
    expect(Object.keys(report).sort()).toEqual(
      [
        'exact_match',
        'items_per_second',
        'labels',
        'macro_f1',
        'micro_f1',
        'n_test',
        'n_train',
        'per_label',
        'train_seconds',
      ].sort(),
    );
    expect(report.n_train).toBe(48);
    expect(report.n_test).toBe(10);
    expect(report.labels).toBe(2);
    expect(Object.keys(report.per_label.Parking).sort()).toEqual(['f1', 'precision', 'recall', 'support']);
    const lines = readFileSync(predictions, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(10);
    expect(Object.keys(lines[0]).sort()).toEqual(['id', 'predicted', 'scores']);
  });

  it('eval themes --cv with a group pattern prints the same keys', async () => {
    const out = sink();
    const code = await evalCommand(
      ['themes', '--train', train, '--cv', '3', '--group-pattern', '^(.*) - Q\\d+$', '--json'],
      out.stream,
    );
    expect(code).toBe(0);
    expect(JSON.parse(out.text()).n_test).toBe(48);
  });

  it('eval sentiment --json prints n_test, accuracy, macro_f1 and mae', async () => {
    const out = sink();
    const code = await evalCommand(['sentiment', '--train', train, '--test', test, '--json'], out.stream);
    expect(code).toBe(0);
    expect(Object.keys(JSON.parse(out.text())).sort()).toEqual(['accuracy', 'macro_f1', 'mae', 'n_test']);
  });

  it('eval themes --embeddings off --seed N cross-validates without the word embeddings, on another fold split', async () => {
    const run = async (...extra: string[]) => {
      const out = sink();
      const args = ['themes', '--train', train, '--cv', '3', '--predictions', join(dir, 'cv.jsonl'), ...extra];
      expect(await evalCommand([...args, '--json'], out.stream)).toBe(0);
      return readFileSync(join(dir, 'cv.jsonl'), 'utf8');
    };
    const withEmbeddings = await run('--seed', '5');
    const without = await run('--seed', '5', '--embeddings', 'off');
    // the embedding block shifts every calibrated score a little
    expect(without).not.toEqual(withEmbeddings);
    expect(await run('--seed', '5', '--embeddings', 'off')).toEqual(without);
  });

  it('rejects bad arguments with exit code 2 and a one-line error', async () => {
    const out = sink();
    const err = sink();
    expect(await evalCommand(['themes', '--test', test], out.stream, err.stream)).toBe(2);
    expect(await evalCommand(['themes', '--train', train, '--cv', 'x'], out.stream, err.stream)).toBe(2);
    expect(await evalCommand(['colours'], out.stream, err.stream)).toBe(2);
    expect(
      await evalCommand(['themes', '--train', train, '--cv', '3', '--embeddings', 'yes'], out.stream, err.stream),
    ).toBe(2);
    expect(await evalCommand(['themes', '--train', train, '--cv', '3', '--seed', '1.5'], out.stream, err.stream)).toBe(
      2,
    );
    expect(err.text().trim().split('\n')).toHaveLength(5);
    expect(out.text()).toBe('');
  });
});

describe('analyse CLI', () => {
  it('turns JSONL texts into JSONL results and reports bad lines without stopping', async () => {
    const input = new PassThrough();
    const out = sink();
    input.end('{"id":"a","text":"Rude staff, call me on 07700 900123"}\nnot json\n{"id":"b","text":""}\n');
    expect(await analyseCommand([], input, out.stream)).toBe(0);
    const lines = out
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(Object.keys(lines[0]).sort()).toEqual(['id', 'language', 'pii', 'redacted', 'sentiment', 'themes']);
    expect(lines[0].themes[0]).toEqual({ name: 'Staff attitude', confidence: expect.any(Number), source: 'rule' });
    expect(lines[0].redacted).toContain('[phone]');
    expect(lines[1]).toEqual({ id: null, error: expect.any(String) });
    expect(lines[2].id).toBe('b');
  });
});

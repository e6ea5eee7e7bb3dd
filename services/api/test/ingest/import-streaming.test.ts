import { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { parseImport } from '../../src/ingest/import/index.ts';

const ROWS = 100_000;
const LOCATIONS = ['Millbrook Library', 'Town Hall', 'Riverside Leisure Centre', 'Parc y Dŵr'];

/** A comment-card CSV produced chunk by chunk, never held whole. */
async function* generatedCsv(): AsyncGenerator<Buffer> {
  yield Buffer.from('\uFEFFDate,Location,Service point,Comments,Rating\r\n');
  for (let start = 0; start < ROWS; start += 1000) {
    let chunk = '';
    for (let i = start; i < start + 1000; i++) {
      const day = (i % 28) + 1;
      const text = `Card ${i}: the ${i % 2 ? 'showers were cold' : 'staff were helpful'}, "visit ${i}", thanks`;
      chunk += `${day}/10/2024,${LOCATIONS[i % LOCATIONS.length]},Desk ${i % 7},"${text.replace(/"/g, '""')}",${(i % 5) + 1}\r\n`;
    }
    yield Buffer.from(chunk);
  }
}

/**
 * A full collection before each sample, so the figure is memory the import holds, not garbage V8 has not
 * yet collected (without it, RSS drifts up with the young generation's lazy growth whatever is retained).
 */
let gc: (() => void) | undefined;
function collectGarbage(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}

describe('large imports', () => {
  it(`streams a ${ROWS.toLocaleString('en-GB')}-row CSV with RSS growth under 100 MB`, async () => {
    collectGarbage();
    const before = process.memoryUsage().rss;
    let peak = before;
    let good = 0;
    let badRows = 0;
    const started = performance.now();
    for await (const result of parseImport(Readable.from(generatedCsv()), {
      format: 'csv',
      fileName: 'comment-cards.csv',
    })) {
      if (result.ok) good++;
      else badRows++;
      if ((good + badRows) % 10_000 === 0) {
        collectGarbage();
        peak = Math.max(peak, process.memoryUsage().rss);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const growthMb = (peak - before) / 1024 / 1024;
    console.log(
      `[ingest] ${ROWS} rows in ${seconds.toFixed(1)} s (${Math.round(ROWS / seconds)} rows/s), RSS growth ${growthMb.toFixed(1)} MB`,
    );
    expect(good).toBe(ROWS);
    expect(badRows).toBe(0);
    expect(growthMb).toBeLessThan(100);
  }, 60_000);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { freePort, spawnCloseloop } from './harness/process.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'closeloop-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm start (embedded mode, no services, no environment)', () => {
  test('first start prints the URLs within 15 s, serves a board with an entry, and exits cleanly on Ctrl-C', async () => {
    const port = await freePort();
    const started = Date.now();
    const proc = spawnCloseloop(['start'], { CLOSELOOP_DATA_DIR: dataDir, PORT: String(port) });
    try {
      const [, url] = await proc.waitFor(/listening on (http:\/\/\S+)/, 15_000);
      expect(Date.now() - started).toBeLessThan(15_000);
      await proc.waitFor(/API key:\s+cl_/, 2_000);
      expect(proc.output()).toMatch(/staff login: \S+@\S+ \/ \S+/);
      const board = await fetch(`${url}/demo/you-said-we-did`);
      expect(board.status).toBe(200);
      const html = await board.text();
      expect(html).toMatch(/You said/);
      expect(html).toMatch(/We did/);
      expect(html).toMatch(/class="[^"]*entry/);
    } finally {
      expect(await proc.stop('SIGINT')).toBe(0);
    }
  }, 40_000);

  test('a second start keeps the data and does not seed again', async () => {
    const port = await freePort();
    const proc = spawnCloseloop(['start'], { CLOSELOOP_DATA_DIR: dataDir, PORT: String(port) });
    try {
      const [, url] = await proc.waitFor(/listening on (http:\/\/\S+)/, 15_000);
      expect(proc.output()).not.toMatch(/seeded/);
      const feed = await fetch(`${url}/demo/feed.json`);
      const json = (await feed.json()) as { items: unknown[] };
      expect(json.items.length).toBeGreaterThanOrEqual(2);

      // While it runs, another process on the same data directory gets a clear error.
      const cli = spawnCloseloop(['api-key', 'create', '--org', 'demo', '--scopes', 'feedback:write'], {
        CLOSELOOP_DATA_DIR: dataDir,
      });
      expect(await cli.exited()).toBe(1);
      expect(cli.output()).toMatch(/^closeloop: the data directory .* is in use by process \d+/m);
      expect(cli.output()).not.toMatch(/\n\s+at /);
    } finally {
      expect(await proc.stop('SIGTERM')).toBe(0);
    }
  }, 40_000);

  test('with the server stopped, the CLI creates an API key and prints it alone on the last line', async () => {
    const cli = spawnCloseloop(['api-key', 'create', '--org', 'demo', '--scopes', 'feedback:write,feedback:read'], {
      CLOSELOOP_DATA_DIR: dataDir,
    });
    expect(await cli.exited()).toBe(0);
    const lastLine = cli.output().trim().split('\n').pop();
    expect(lastLine).toMatch(/^cl_[A-Za-z0-9]{8}_[A-Za-z0-9_-]+$/);
  }, 30_000);
});

describe('Ctrl-C while starting', () => {
  test('waits for the start to finish, then stops cleanly and keeps what was seeded', async () => {
    const ownDir = mkdtempSync(path.join(tmpdir(), 'closeloop-early-'));
    try {
      const proc = spawnCloseloop(['start'], { CLOSELOOP_DATA_DIR: ownDir, PORT: String(await freePort()) });
      // The first start migrates and seeds for seconds; the signal lands in the middle of it.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(proc.output()).not.toMatch(/listening on/);
      proc.child.kill('SIGINT');
      expect(await proc.exited()).toBe(0);
      expect(proc.output()).toMatch(/listening on/);
      const again = spawnCloseloop(['start'], { CLOSELOOP_DATA_DIR: ownDir, PORT: String(await freePort()) });
      try {
        await again.waitFor(/listening on/, 30_000);
        expect(again.output()).not.toMatch(/seeded/);
      } finally {
        expect(await again.stop('SIGTERM')).toBe(0);
      }
    } finally {
      rmSync(ownDir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('bad configuration', () => {
  test('stops start-up with one line naming the variable and the problem, no stack trace', async () => {
    const proc = spawnCloseloop(['start'], { CLOSELOOP_DATA_DIR: dataDir, PORT: 'eighty' });
    expect(await proc.exited()).toBe(1);
    const lines = proc.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^closeloop: invalid configuration: PORT: .*"eighty"/);
  }, 20_000);

  test('a bad database URL is named too', async () => {
    const proc = spawnCloseloop(['start'], { DATABASE_URL: 'mysql://localhost/x' });
    expect(await proc.exited()).toBe(1);
    expect(proc.output().trim()).toMatch(
      /^closeloop: invalid configuration: DATABASE_URL: must be a postgres:\/\/ URL/,
    );
  }, 20_000);
});

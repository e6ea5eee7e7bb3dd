import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '@closeloop/config';
import { afterAll, describe, expect, test } from 'vitest';
import { startServer } from '../services/cli/src/commands/start.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'closeloop-shutdown-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('stopping the server', () => {
  test('a client that never finishes its request does not hold the shutdown past the grace period', async () => {
    const config = loadConfig({ CLOSELOOP_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    const started = await startServer(config, 'publisher');
    const { port } = started.app.server.address() as { port: number };
    // half a request: the connection is busy, not idle, so closing the server alone would wait for it
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET /healthz HTTP/1.1\r\nHost: closeloop.test\r\n');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    await new Promise((r) => setTimeout(r, 100));

    const t0 = Date.now();
    await started.stop({ httpGraceMs: 500 });
    await closed;
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(400); // it waited for the request first
    expect(took).toBeLessThan(5_000);
  }, 30_000);
});

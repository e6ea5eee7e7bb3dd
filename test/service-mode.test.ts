import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type TestDatabase, testBackend, withDatabase } from './harness/db.ts';
import { freePort, type Spawned, spawnCloseloop } from './harness/process.ts';

const backend = testBackend();
const SECRET = 'cd'.repeat(32);

describe.skipIf(backend.kind !== 'service')('service mode: api, worker and publisher as separate processes', () => {
  let db: TestDatabase;
  const procs: Spawned[] = [];
  let api = '';
  let publisher = '';
  let worker = '';

  beforeAll(async () => {
    if (backend.kind !== 'service') return;
    db = await withDatabase();
    const env = {
      DATABASE_URL: db.url!,
      REDIS_URL: backend.redisUrl,
      CLOSELOOP_SECRET_KEY: SECRET,
      SWEEPER_INTERVAL_SECONDS: '1',
      SWEEPER_GRACE_SECONDS: '2',
      QUEUE_PREFIX: `clsvc${process.pid}`,
    };
    const [apiPort, workerPort, pubPort] = await Promise.all([freePort(), freePort(), freePort()]);
    // The api seeds nothing in service mode unless asked: seed the demo org through the CLI first.
    const seed = spawnCloseloop(['seed-demo'], env);
    expect(await seed.exited()).toBe(0);
    const apiKey = seed.output().trim().split('\n').pop()!;
    process.env.__CL_KEY = apiKey;
    for (const [role, port] of [
      ['api', apiPort],
      ['worker', workerPort],
      ['publisher', pubPort],
    ] as const) {
      const p = spawnCloseloop(['start', '--role', role], {
        ...env,
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${pubPort}`,
      });
      procs.push(p);
      await p.waitFor(/listening on/, 30_000);
    }
    api = `http://127.0.0.1:${apiPort}`;
    worker = `http://127.0.0.1:${workerPort}`;
    publisher = `http://127.0.0.1:${pubPort}`;
  }, 120_000);

  afterAll(async () => {
    for (const p of procs) {
      const code = await p.stop('SIGTERM');
      expect(code, `a role did not shut down cleanly; its output:\n${p.output()}`).toBe(0);
    }
    await db?.drop();
  }, 100_000);

  test('each role answers its health checks and only its own routes', async () => {
    for (const base of [api, worker, publisher]) {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      expect((await fetch(`${base}/metrics`)).status).toBe(200);
    }
    expect((await fetch(`${publisher}/v1/feedback`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${api}/demo/you-said-we-did`)).status).toBe(404);
  });

  test('the loop completes across the three processes', async () => {
    const auth = { authorization: `Bearer ${process.env.__CL_KEY}`, 'content-type': 'application/json' };
    const posted = await fetch(`${api}/v1/feedback`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        channel: 'email',
        text: 'The toilets at the park are dirty and the bins overflow every weekend.',
      }),
    });
    expect(posted.status).toBe(202);
    const { id } = (await posted.json()) as { id: string };

    let item: { status: string; themes: { key: string }[] } | undefined;
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${api}/v1/feedback/${id}`, { headers: auth });
      item = (await res.json()) as typeof item;
      if (item?.status !== 'received') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(item?.status).toMatch(/analysed|triage/);
    expect(item?.themes.length).toBeGreaterThan(0);
    const themeKey = item!.themes[0]!.key;

    const action = await fetch(`${api}/v1/actions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        title: 'Weekend cleaning rota for park toilets',
        status: 'done',
        themeKeys: [themeKey],
        feedbackIds: [id],
        publicStatement: 'The park toilets are now cleaned twice a day at weekends.',
      }),
    });
    expect(action.status).toBe(201);
    const actionId = ((await action.json()) as { id: string }).id;
    const draft = await fetch(`${api}/v1/publications`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        themeKey,
        periodStart: '2026-01-01',
        periodEnd: new Date().toISOString().slice(0, 10),
        summary: 'You told us the park toilets were dirty at weekends.',
        actionIds: [actionId],
      }),
    });
    expect(draft.status).toBe(201);
    const pubId = ((await draft.json()) as { id: string }).id;
    for (const step of ['approve', 'publish']) {
      const res = await fetch(`${api}/v1/publications/${pubId}/${step}`, {
        method: 'POST',
        headers: { authorization: auth.authorization },
      });
      expect(res.status).toBe(200);
    }
    const board = await fetch(`${publisher}/demo/you-said-we-did`);
    const html = await board.text();
    expect(html).toContain('You told us the park toilets were dirty at weekends.');
    expect(html).toContain('The park toilets are now cleaned twice a day at weekends.');
  }, 30_000);
});

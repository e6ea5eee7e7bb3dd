import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type TestDatabase, testBackend, withDatabase } from './harness/db.ts';
import { freePort, type Spawned, spawnCloseloop } from './harness/process.ts';

const backend = testBackend();
const SECRET = 'cd'.repeat(32);

describe.skipIf(backend.kind !== 'service')('service mode: api, worker and publisher as separate processes', () => {
  let db: TestDatabase;
  const procs: Spawned[] = [];
  let api = '';
  let api2 = '';
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
    const [apiPort, api2Port, workerPort, pubPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    // The api seeds nothing in service mode unless asked: seed the demo org through the CLI first.
    const seed = spawnCloseloop(['seed-demo'], env);
    expect(await seed.exited()).toBe(0);
    const apiKey = seed.output().trim().split('\n').pop()!;
    process.env.__CL_KEY = apiKey;
    for (const [role, port] of [
      ['api', apiPort],
      ['api', api2Port],
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
    api2 = `http://127.0.0.1:${api2Port}`;
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
      for (const path of ['/healthz', '/readyz', '/metrics']) {
        const res = await fetch(`${base}${path}`);
        await res.arrayBuffer(); // read to the end, so the connection is idle when the role stops
        expect(res.status).toBe(200);
      }
    }
    expect((await fetch(`${publisher}/v1/feedback`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${api}/demo/you-said-we-did`)).status).toBe(404);
  });

  test("an API key's rate limit holds across two api processes (counted in Redis)", async () => {
    const admin = { authorization: `Bearer ${process.env.__CL_KEY}`, 'content-type': 'application/json' };
    const created = await fetch(`${api}/v1/api-keys`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'two processes', scopes: ['feedback:read'], rateLimitPerMinute: 4 }),
    });
    expect(created.status).toBe(201);
    const key = ((await created.json()) as { key: string }).key;
    const headers = { authorization: `Bearer ${key}` };
    const statuses: number[] = [];
    const remaining: string[] = [];
    for (const base of [api, api2, api, api2, api, api2]) {
      const res = await fetch(`${base}/v1/feedback?limit=1`, { headers });
      await res.arrayBuffer();
      statuses.push(res.status);
      remaining.push(res.headers.get('ratelimit') ?? '');
    }
    // four in all, whichever process answers; each process alone would have allowed four
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    expect(remaining.slice(0, 4).map((h) => /r=(\d+)/.exec(h)?.[1])).toEqual(['3', '2', '1', '0']);
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

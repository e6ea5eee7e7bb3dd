import { addWorkingDays, formatCaseRef } from '@closeloop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiTestApp, type ApiTestOrg, withApiApp } from './helpers/app.ts';

const clock = { now: new Date('2024-10-14T09:00:00.000Z') }; // a Monday
let t: ApiTestApp;
let org: ApiTestOrg;
const auth = () => ({ authorization: `Bearer ${org.apiKey}` });

interface Out {
  id: string;
  details: {
    caseRef: string;
    status: string;
    acknowledgeDueAt: string;
    resolveDueAt: string;
    acknowledgedAt?: string;
    resolvedAt?: string;
    outcome?: string;
    upheld?: string;
    slaBreached?: string[];
    escalationStage?: number;
  };
}

async function complaint(payload: Record<string, unknown> = {}): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/feedback',
    headers: auth(),
    payload: { channel: 'complaint', text: 'My bin was missed again', receivedAt: clock.now.toISOString(), ...payload },
  });
  expect(res.statusCode, res.body).toBe(202);
  return (res.json() as { id: string }).id;
}

async function step(id: string, name: string, payload?: Record<string, unknown>) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/feedback/${id}/${name}`,
    headers: auth(),
    ...(payload ? { payload } : {}),
  });
}

beforeAll(async () => {
  t = await withApiApp({ clock: () => clock.now });
  org = await t.createOrg('dbc', undefined, {
    settings: { caseRefPattern: 'DBC-{yyyy}-{seq:4}', sla: { acknowledgeDays: 2, resolveDays: 10 } },
  });
});
afterAll(async () => {
  await t.close();
});

describe('complaint intake', () => {
  it('formats case references and adds working days over weekends', () => {
    expect(formatCaseRef('DBC-{yyyy}-{seq:4}', 42, new Date('2024-03-01T00:00:00Z'))).toBe('DBC-2024-0042');
    expect(formatCaseRef('C{yy}{mm}', 7, new Date('2024-03-01T00:00:00Z'))).toBe('C2403-7');
    // Friday + 1 working day = Monday; Saturday + 1 = Monday.
    expect(addWorkingDays(new Date('2024-10-18T10:00:00Z'), 1).toISOString()).toBe('2024-10-21T10:00:00.000Z');
    expect(addWorkingDays(new Date('2024-10-19T10:00:00Z'), 1).toISOString()).toBe('2024-10-21T10:00:00.000Z');
  });

  it('generates the case reference from the org pattern and SLA due dates in working days', async () => {
    const id = await complaint();
    const next = await complaint();
    const got = (await t.app.inject({ method: 'GET', url: `/v1/feedback/${id}`, headers: auth() })).json() as Out;
    const other = (await t.app.inject({ method: 'GET', url: `/v1/feedback/${next}`, headers: auth() })).json() as Out;
    expect(got.details.caseRef).toMatch(/^DBC-2024-\d{4}$/);
    expect(other.details.caseRef).not.toBe(got.details.caseRef);
    expect(got.details.status).toBe('received');
    expect(got.details.acknowledgeDueAt).toBe('2024-10-16T09:00:00.000Z');
    expect(got.details.resolveDueAt).toBe('2024-10-28T09:00:00.000Z');
  });

  it('keeps a case reference the complaint brings', async () => {
    const id = await complaint({ details: { kind: 'complaint', caseRef: 'EXT-77' } });
    const got = (await t.app.inject({ method: 'GET', url: `/v1/feedback/${id}`, headers: auth() })).json() as Out;
    expect(got.details.caseRef).toBe('EXT-77');
  });
});

describe('complaint transitions', () => {
  it('follows received → acknowledged → investigating → resolved → closed with outcome and no breach', async () => {
    const id = await complaint();
    expect((await step(id, 'acknowledge', { note: 'called back' })).statusCode).toBe(200);
    expect((await step(id, 'investigate')).statusCode).toBe(200);
    const resolved = await step(id, 'resolve', { outcome: 'Collection rescheduled', upheld: 'upheld' });
    expect(resolved.statusCode).toBe(200);
    const closed = (await step(id, 'close')).json() as Out;
    expect(closed.details.status).toBe('closed');
    expect(closed.details.outcome).toBe('Collection rescheduled');
    expect(closed.details.upheld).toBe('upheld');
    expect(closed.details.slaBreached).toBeUndefined();
  });

  it('a wrong transition answers 409 invalid_transition', async () => {
    const id = await complaint();
    const res = await step(id, 'resolve', { outcome: 'x' });
    expect(res.statusCode).toBe(409);
    expect((res.json() as { code: string }).code).toBe('invalid_transition');
    expect((await step(id, 'close')).statusCode).toBe(409);
  });

  it('flags acknowledge and resolve breaches at transition time and shows them in GET', async () => {
    const id = await complaint();
    clock.now = new Date('2024-10-17T09:00:00.000Z'); // past the 2-day acknowledge due date
    const ack = (await step(id, 'acknowledge')).json() as Out;
    expect(ack.details.slaBreached).toEqual(['acknowledge']);
    await step(id, 'investigate');
    clock.now = new Date('2024-11-01T09:00:00.000Z'); // past the resolve due date
    await step(id, 'resolve', { outcome: 'Apologised' });
    const got = (await t.app.inject({ method: 'GET', url: `/v1/feedback/${id}`, headers: auth() })).json() as Out;
    expect(got.details.slaBreached).toEqual(['acknowledge', 'resolve']);
    clock.now = new Date('2024-10-14T09:00:00.000Z');
  });

  it('escalation reopens the investigation at the next stage with a fresh resolve due date', async () => {
    const id = await complaint();
    await step(id, 'acknowledge');
    await step(id, 'investigate');
    await step(id, 'resolve', { outcome: 'Stage 1 answer' });
    const escalated = (await step(id, 'escalate', { reason: 'not satisfied' })).json() as Out;
    expect(escalated.details.status).toBe('investigating');
    expect(escalated.details.escalationStage).toBe(2);
    expect(escalated.details.resolvedAt).toBeUndefined();
  });

  it('refuses transitions on feedback that is not a complaint, and a resolve without outcome', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/feedback',
      headers: auth(),
      payload: { channel: 'widget', text: 'hi' },
    });
    const { id } = res.json() as { id: string };
    const wrong = await step(id, 'acknowledge');
    expect(wrong.statusCode).toBe(409);
    expect((wrong.json() as { code: string }).code).toBe('not_a_complaint');
    const c = await complaint();
    await step(c, 'acknowledge');
    await step(c, 'investigate');
    const missing = await step(c, 'resolve', {});
    expect(missing.statusCode).toBe(422);
    expect((missing.json() as { errors: { path: string }[] }).errors[0]!.path).toContain('outcome');
  });

  it('a repeat from the source system keeps the workflow state staff moved on', async () => {
    const payload = {
      channel: 'complaint',
      text: 'Ticket text',
      source: 'salesforce',
      externalId: 'case-1',
      details: { kind: 'complaint', caseRef: '00001026' },
    };
    const first = await t.app.inject({ method: 'POST', url: '/v1/feedback', headers: auth(), payload });
    const { id } = first.json() as { id: string };
    await step(id, 'acknowledge');
    await t.app.inject({
      method: 'POST',
      url: '/v1/feedback',
      headers: auth(),
      payload: { ...payload, text: 'Ticket text, edited' },
    });
    const got = (await t.app.inject({ method: 'GET', url: `/v1/feedback/${id}`, headers: auth() })).json() as Out & {
      text: string;
    };
    expect(got.text).toBe('Ticket text, edited');
    expect(got.details.status).toBe('acknowledged');
  });
});

import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { queryRows, schema } from '@closeloop/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrapSurveyMonkey } from '../src/inbound/service.ts';
import { type InboundSource, mapInbound, parseImport } from '../src/ingest/index.ts';
import { type ApiTestApp, type ApiTestOrg, withApiApp } from './helpers/app.ts';

const fixturesDir = path.resolve(import.meta.dirname, '../../../../shared/fixtures');
const read = (rel: string) => readFileSync(path.join(fixturesDir, rel));

interface InboundCase {
  file: string;
  source: InboundSource;
  type: string;
  channel: string;
  /** Builds the body the way an integrator sends it. */
  body?: () => string | Buffer;
}

const INBOUND: InboundCase[] = [
  { file: 'email/complaint-en.eml', source: 'email', type: 'message/rfc822', channel: 'email' },
  { file: 'email/complaint-cy.eml', source: 'email', type: 'message/rfc822', channel: 'email' },
  { file: 'social/mastodon/status.json', source: 'mastodon', type: 'application/json', channel: 'social_mention' },
  {
    file: 'social/mastodon/notification-mention.json',
    source: 'mastodon',
    type: 'application/json',
    channel: 'social_mention',
  },
  {
    file: 'social/mastodon/tag-timeline.json',
    source: 'mastodon',
    type: 'application/json',
    channel: 'social_mention',
  },
  {
    file: 'social/bluesky/searchPosts-response.json',
    source: 'bluesky',
    type: 'application/json',
    channel: 'social_mention',
  },
  { file: 'social/rss/review-feed.rss.xml', source: 'rss', type: 'application/rss+xml', channel: 'social_mention' },
  { file: 'social/rss/review-feed.atom.xml', source: 'rss', type: 'application/atom+xml', channel: 'social_mention' },
  {
    file: 'surveys/typeform/webhook-form_response.json',
    source: 'typeform',
    type: 'application/json',
    channel: 'survey',
  },
  {
    file: 'surveys/surveymonkey/responses-bulk.json',
    source: 'surveymonkey',
    type: 'application/json',
    channel: 'survey',
    body: () =>
      JSON.stringify({
        responses: JSON.parse(read('surveys/surveymonkey/responses-bulk.json').toString('utf8')),
        survey: JSON.parse(read('surveys/surveymonkey/survey-details.json').toString('utf8')),
      }),
  },
  { file: 'crm/zendesk/ticket.json', source: 'zendesk', type: 'application/json', channel: 'complaint' },
  {
    file: 'crm/zendesk/webhook-ticket-comment-added.json',
    source: 'zendesk',
    type: 'application/json',
    channel: 'complaint',
  },
  { file: 'crm/salesforce/case.json', source: 'salesforce', type: 'application/json', channel: 'complaint' },
  { file: 'crm/dynamics365/incident.json', source: 'dynamics365', type: 'application/json', channel: 'crm' },
  { file: 'crm/hubspot/ticket.json', source: 'hubspot', type: 'application/json', channel: 'crm' },
  { file: 'crm/freshdesk/ticket.json', source: 'freshdesk', type: 'application/json', channel: 'crm' },
];

const IMPORTS = [
  'comment-cards/comment-cards-clean.csv',
  'comment-cards/comment-cards-messy.csv',
  'comment-cards/comment-cards-messy-semicolon.csv',
  'surveys/google-forms/responses.csv',
  'surveys/google-forms/responses-linked-sheet-en-GB.csv',
  'surveys/microsoft-forms/responses-export.csv',
  'surveys/qualtrics/responses-export.csv',
  'surveys/surveymonkey/all-responses-export.csv',
];

/** Fixtures outside both lists are documentation or companions read by the cases above. */
const COMPANIONS = new Set(['surveys/surveymonkey/survey-details.json']);
/** Google Forms API JSON has no inbound connector in the design's source list (the CSV download imports). */
const NOT_CONNECTED = new Set([
  'surveys/google-forms/forms-api-form.json',
  'surveys/google-forms/forms-api-responses.json',
]);

function listFixtures(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(full).isDirectory()) return listFixtures(full, rel);
    return name === 'README.md' ? [] : [rel];
  });
}

let t: ApiTestApp;
let org: ApiTestOrg;
const auth = () => ({ authorization: `Bearer ${org.apiKey}` });

interface Stored {
  id: string;
  channel: string;
  text: string;
  rating: number | null;
  source: string | null;
  externalId: string | null;
  receivedAt: string;
  details: Record<string, unknown> | null;
  hasContact: boolean;
}

beforeAll(async () => {
  t = await withApiApp();
  org = await t.createOrg('fixtures-org');
});
afterAll(async () => {
  await t.close();
});

describe('every fixture goes in through the HTTP API', () => {
  it('each fixture file is covered by an inbound or import case', () => {
    const covered = new Set([...INBOUND.map((c) => c.file), ...IMPORTS, ...COMPANIONS, ...NOT_CONNECTED]);
    const uncovered = listFixtures(fixturesDir).filter((f) => !covered.has(f) && !f.endsWith('.md'));
    expect(uncovered).toEqual([]);
  });

  for (const c of INBOUND) {
    it(`POST /v1/inbound/${c.source} stores ${c.file} as ${c.channel} with its text, author, time, rating and refs`, async () => {
      const body = c.body ? c.body() : read(c.file);
      const res = await t.app.inject({
        method: 'POST',
        url: `/v1/inbound/${c.source}`,
        headers: { ...auth(), 'content-type': c.type },
        payload: body,
      });
      expect(res.statusCode, res.body).toBe(202);
      const outcome = res.json() as { accepted: number; updated: number; ids: string[]; skipped: unknown[] };
      const { payload, surveyDetails } =
        c.source === 'surveymonkey' ? unwrapSurveyMonkey(JSON.parse(body.toString())) : { payload: body };
      const expected = await mapInbound(c.source, payload, surveyDetails === undefined ? {} : { surveyDetails });
      expect(outcome.ids).toHaveLength(expected.items.length);
      expect(outcome.ids.length).toBeGreaterThan(0);
      for (const [i, id] of outcome.ids.entries()) {
        const got = await t.app.inject({ method: 'GET', url: `/v1/feedback/${id}`, headers: auth() });
        const stored = got.json() as Stored;
        const item = expected.items[i]!;
        if (i === 0) expect(stored.channel).toBe(c.channel);
        expect(stored.channel).toBe(item.channel);
        expect(stored.text).toBe(item.text.trim());
        expect(stored.rating).toBe(item.rating ?? null);
        expect(stored.source).toBe(item.source ?? null);
        expect(stored.externalId).toBe(item.externalId ?? null);
        if (item.receivedAt) expect(new Date(stored.receivedAt).getTime()).toBe(new Date(item.receivedAt).getTime());
        expect(stored.hasContact).toBe(Boolean(item.contact));
        // Author handle, sender, post URL, case and CRM references travel in the details.
        const {
          status: _s,
          acknowledgeDueAt: _a,
          resolveDueAt: _r,
          caseRef: _c,
          ...rest
        } = (item.details ?? {}) as Record<string, unknown>;
        expect(stored.details).toMatchObject(rest);
        if (stored.channel === 'complaint') {
          expect(stored.details?.caseRef).toBeTruthy();
          expect(stored.details?.resolveDueAt).toBeTruthy();
        }
      }
      // The same payload again updates the same rows instead of adding new ones.
      const again = await t.app.inject({
        method: 'POST',
        url: `/v1/inbound/${c.source}`,
        headers: { ...auth(), 'content-type': c.type },
        payload: body,
      });
      const second = again.json() as { accepted: number; updated: number; ids: string[] };
      expect(second.accepted).toBe(0);
      expect(second.ids).toEqual(outcome.ids);
    });
  }

  it('maps authors and platforms: a Mastodon handle, a Bluesky handle, an e-mail sender', async () => {
    const rows = await queryRows<{ channel: string; details: Record<string, unknown> }>(
      t.database.db,
      sql`select channel, details from feedback where org_id = ${org.id}`,
    );
    const platforms = new Set(rows.map((r) => r.details?.platform).filter(Boolean));
    expect([...platforms].sort()).toEqual(['bluesky', 'mastodon', 'rss']);
    expect(rows.some((r) => String(r.details?.authorHandle ?? '').startsWith('@'))).toBe(true);
    expect(rows.some((r) => r.channel === 'email' && String(r.details?.from ?? '').includes('@'))).toBe(true);
  });

  for (const file of IMPORTS) {
    it(`POST /v1/imports stores every good row of ${file}, reports bad rows by line, and twice adds nothing`, async () => {
      const expected: { ok: boolean; line: number }[] = [];
      for await (const r of parseImport(createReadStream(path.join(fixturesDir, file)), {
        format: 'csv',
        fileName: path.basename(file),
      })) {
        expected.push({ ok: r.ok, line: r.line });
      }
      const good = expected.filter((r) => r.ok).length;
      const url = `/v1/imports?fileName=${encodeURIComponent(path.basename(file))}`;
      const headers = { ...auth(), 'content-type': 'text/csv' };
      const first = await t.app.inject({ method: 'POST', url, headers, payload: read(file) });
      expect(first.statusCode, first.body).toBe(201);
      const summary = first.json() as {
        importId: string;
        imported: number;
        duplicates: number;
        totalRows: number;
        rowErrors: { line: number; reason: string }[];
      };
      expect(summary.imported + summary.duplicates).toBe(good);
      expect(summary.rowErrors.map((e) => e.line)).toEqual(expected.filter((r) => !r.ok).map((r) => r.line));
      const again = await t.app.inject({ method: 'POST', url, headers, payload: read(file) });
      const second = again.json() as { imported: number; duplicates: number };
      expect(second.imported).toBe(0);
      expect(second.duplicates).toBe(good);
      const run = await t.app.inject({ method: 'GET', url: `/v1/imports/${summary.importId}`, headers: auth() });
      expect((run.json() as { state: string; imported: number }).state).toBe('completed');
    });
  }

  it('the messy comment-card file imports with its row report, loses no good row, and resolves service points', async () => {
    const other = await t.createOrg('messy-cards');
    await t.database.db
      .insert(schema.servicePoints)
      .values({ orgId: other.id, key: 'leisure', name: 'RIVERSIDE LEISURE CTR' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/imports?fileName=comment-cards-messy.csv',
      headers: { authorization: `Bearer ${other.apiKey}`, 'content-type': 'text/csv' },
      payload: read('comment-cards/comment-cards-messy.csv'),
    });
    const summary = res.json() as {
      imported: number;
      totalRows: number;
      rowErrors: { line: number; reason: string }[];
      warnings: { line: number; warning: string }[];
    };
    // Lines 2, 3, 6, 7, 9, 10 and 11 hold the seven cards; blank and all-comma rows are not errors.
    expect(summary.imported).toBe(7);
    expect(summary.rowErrors).toEqual([]);
    expect(summary.warnings.some((w) => /unknown service point/.test(w.warning))).toBe(true);
    const stored = await queryRows<{ n: number; matched: number }>(
      t.database.db,
      sql`select count(*)::int as n, count(service_point_id)::int as matched from feedback
          where org_id = ${other.id} and channel = 'comment_card' and source = 'import'`,
    );
    expect(stored[0]!.n).toBe(7);
    expect(stored[0]!.matched).toBeGreaterThanOrEqual(1);
  });

  it('a bad row is reported with its line and reason while the good rows around it are stored', async () => {
    const other = await t.createOrg('bad-row');
    const csv =
      'Date,Location,Comment,Rating\r\n14/10/2024,Library,Great staff,5\r\n99/99/2024,Library,Bad date here,4\r\n15/10/2024,Library,Warm and quiet,4\r\n';
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/imports?fileName=comment-cards.csv',
      headers: { authorization: `Bearer ${other.apiKey}`, 'content-type': 'text/csv' },
      payload: csv,
    });
    const summary = res.json() as { imported: number; rowErrors: { line: number; reason: string }[] };
    expect(summary.imported).toBe(2);
    expect(summary.rowErrors).toHaveLength(1);
    expect(summary.rowErrors[0]!.line).toBe(3);
    expect(summary.rowErrors[0]!.reason).toMatch(/date/i);
  });
});

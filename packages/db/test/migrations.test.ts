import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type TestDatabase, withDatabase } from '../../../test/harness/db.ts';
import { MIGRATIONS_FOLDER, migrate, queryRows } from '../src/index.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');

describe('migrations', () => {
  test('the drizzle schema and the committed migrations do not drift', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'closeloop-drift-'));
    try {
      cpSync(MIGRATIONS_FOLDER, out, { recursive: true });
      const before = readdirSync(out).filter((f) => f.endsWith('.sql'));
      await run('npx', ['drizzle-kit', 'generate', '--config', 'packages/db/drizzle.config.ts'], {
        cwd: root,
        env: { ...process.env, DRIZZLE_OUT: out },
        timeout: 60_000,
      });
      const after = readdirSync(out).filter((f) => f.endsWith('.sql'));
      expect(after, 'run `npm run db:generate` and commit the new migration').toEqual(before);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 90_000);

  describe('on a migrated database', () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await withDatabase();
    });
    afterAll(async () => {
      await t.drop();
    });

    test('every domain table exists', async () => {
      const rows = await queryRows<{ table_name: string }>(
        t.database.db,
        sql`select table_name from information_schema.tables where table_schema = 'public'`,
      );
      const tables = rows.map((r) => r.table_name);
      for (const name of [
        'organisations',
        'customer_groups',
        'service_points',
        'engagements',
        'feedback',
        'contacts',
        'themes',
        'feedback_themes',
        'improvement_actions',
        'action_feedback',
        'action_themes',
        'you_said_entries',
        'publications',
        'subscribers',
        'newsletter_issues',
        'notifications',
        'staff_users',
        'api_keys',
        'widget_site_keys',
        'webhook_subscriptions',
        'webhook_deliveries',
        'idempotency_keys',
        'audit_log',
        'model_versions',
      ]) {
        expect(tables).toContain(name);
      }
    });

    test('migrating again is a no-op, and concurrent migrations are safe', async () => {
      await Promise.all([migrate(t.database), migrate(t.database)]);
      const rows = await queryRows<{ n: number }>(
        t.database.db,
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      expect(rows[0]?.n).toBe(readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).length);
    });
  });
});

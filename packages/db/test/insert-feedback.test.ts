import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type TestDatabase, withDatabase } from '../../../test/harness/db.ts';
import { insertFeedback, insertOrganisation, queryRows, uuidv7 } from '../src/index.ts';

let t: TestDatabase;
let orgId: string;
beforeAll(async () => {
  t = await withDatabase();
  orgId = (await insertOrganisation(t.database.db, { slug: 'insert-feedback', name: 'I' })).id;
});
afterAll(async () => {
  await t.drop();
});

test('the prepared insert stores details as a JSON object and missing details as SQL NULL', async () => {
  const withDetails = uuidv7();
  const without = uuidv7();
  await insertFeedback(t.database.db, {
    id: withDetails,
    orgId,
    channel: 'comment_card',
    text: 'Cards',
    details: { kind: 'comment_card', keyedBy: 'staff-1' },
  });
  await insertFeedback(t.database.db, { id: without, orgId, channel: 'widget', text: 'No details' });
  const rows = await queryRows<{ id: string; type: string | null; keyed: string | null; received: boolean }>(
    t.database.db,
    sql`select id, jsonb_typeof(details) as type, details->>'keyedBy' as keyed, received_at is not null as received
        from feedback where id in (${withDetails}, ${without})`,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  expect(byId.get(withDetails)).toMatchObject({ type: 'object', keyed: 'staff-1', received: true });
  expect(byId.get(without)).toMatchObject({ type: null, keyed: null, received: true });
});

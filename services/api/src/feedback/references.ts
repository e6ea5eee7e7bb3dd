import { type Db, queryRows } from '@closeloop/db';
import type { FeedbackInput, FieldError } from '@closeloop/domain';
import { sql } from 'drizzle-orm';

type References = Pick<FeedbackInput, 'servicePointId' | 'customerGroupId' | 'engagementId'>;

export interface KnownReferences {
  servicePoints: Set<string>;
  customerGroups: Set<string>;
  engagements: Set<string>;
}

async function owned(db: Db, table: string, orgId: string, ids: Set<string>): Promise<Set<string>> {
  if (ids.size === 0) return new Set();
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select id from ${sql.identifier(table)} where org_id = ${orgId} and id = any(${sql.param([...ids])}::uuid[])`,
  );
  return new Set(rows.map((r) => r.id));
}

/** Which of the service points, customer groups and engagements the items name belong to the organisation: three queries for any number of items. */
export async function knownReferences(db: Db, orgId: string, items: readonly References[]): Promise<KnownReferences> {
  const sp = new Set<string>();
  const cg = new Set<string>();
  const en = new Set<string>();
  for (const item of items) {
    if (item.servicePointId) sp.add(item.servicePointId);
    if (item.customerGroupId) cg.add(item.customerGroupId);
    if (item.engagementId) en.add(item.engagementId);
  }
  const [servicePoints, customerGroups, engagements] = await Promise.all([
    owned(db, 'service_points', orgId, sp),
    owned(db, 'customer_groups', orgId, cg),
    owned(db, 'engagements', orgId, en),
  ]);
  return { servicePoints, customerGroups, engagements };
}

/** Field errors for references that are not the organisation's (another tenant's ids look unknown). */
export function referenceErrors(item: References, known: KnownReferences): FieldError[] {
  const errors: FieldError[] = [];
  if (item.servicePointId && !known.servicePoints.has(item.servicePointId))
    errors.push({ path: 'servicePointId', message: 'unknown service point' });
  if (item.customerGroupId && !known.customerGroups.has(item.customerGroupId))
    errors.push({ path: 'customerGroupId', message: 'unknown customer group' });
  if (item.engagementId && !known.engagements.has(item.engagementId))
    errors.push({ path: 'engagementId', message: 'unknown engagement' });
  return errors;
}

import { type Db, schema } from '@closeloop/db';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { IMPORT_KINDS, type ImportProfile } from '../ingest/index.ts';

const { importProfiles } = schema;

const column = z.string().trim().min(1).max(500);

/** The zod form of `ImportProfile` (see services/api/src/ingest/import/types.ts). */
export const importProfileSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    kind: z.enum(IMPORT_KINDS),
    headerRows: z.number().int().min(1).max(10),
    delimiter: z.string().min(1).max(1).optional(),
    dateFormat: z.enum(['dmy', 'mdy', 'iso']).optional(),
    timeZone: z.string().min(1).max(64).optional(),
    columns: z.strictObject({
      text: z.array(column).min(1).max(50),
      rating: column.optional(),
      ratingScale: z.number().int().min(2).max(100).optional(),
      receivedAt: column.optional(),
      respondentId: column.optional(),
      servicePoint: column.optional(),
      location: column.optional(),
      customerGroup: column.optional(),
      contactName: column.optional(),
      contactFirstName: column.optional(),
      contactLastName: column.optional(),
      contactEmail: column.optional(),
      contactPhone: column.optional(),
      contact: column.optional(),
      consentContact: column.optional(),
      consentPublish: column.optional(),
      cardId: column.optional(),
      keyedBy: column.optional(),
      language: column.optional(),
      answers: z.array(column).max(200).optional(),
      question: z.record(column, z.string().max(2000)).optional(),
    }),
    exclude: z
      .array(z.strictObject({ column, values: z.array(z.string().max(500)).max(100), reason: z.string().max(500) }))
      .max(20)
      .optional(),
    channel: z.enum(['survey', 'comment_card', 'complaint', 'phone', 'focus_group', 'widget', 'email', 'crm']),
  })
  .meta({
    examples: [
      {
        name: 'comment-cards',
        kind: 'comment_cards',
        headerRows: 1,
        delimiter: ';',
        dateFormat: 'dmy',
        columns: { text: ['Comment'], rating: 'Rating', receivedAt: 'Date', servicePoint: 'Service point' },
        channel: 'comment_card',
      },
    ],
  });

export const profileNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\w .-]+$/, 'letters, digits, space, dot, dash and underscore only');

export async function getImportProfile(db: Db, orgId: string, name: string): Promise<ImportProfile | null> {
  const rows = await db
    .select({ profile: importProfiles.profile })
    .from(importProfiles)
    .where(and(eq(importProfiles.orgId, orgId), eq(importProfiles.name, name)))
    .limit(1);
  const stored = rows[0]?.profile;
  if (!stored) return null;
  const parsed = importProfileSchema.safeParse(stored);
  return parsed.success ? (parsed.data as ImportProfile) : null;
}

export async function listImportProfiles(db: Db, orgId: string): Promise<ImportProfile[]> {
  const rows = await db
    .select({ profile: importProfiles.profile })
    .from(importProfiles)
    .where(eq(importProfiles.orgId, orgId))
    .orderBy(importProfiles.name);
  return rows.flatMap((r) => {
    const parsed = importProfileSchema.safeParse(r.profile);
    return parsed.success ? [parsed.data as ImportProfile] : [];
  });
}

/** Creates or replaces the organisation's profile `name`; returns whether it was new. */
export async function saveImportProfile(db: Db, orgId: string, profile: ImportProfile): Promise<boolean> {
  const rows = await db
    .insert(importProfiles)
    .values({ orgId, name: profile.name, profile: profile as unknown as Record<string, unknown> })
    .onConflictDoUpdate({
      target: [importProfiles.orgId, importProfiles.name],
      set: { profile: sql`excluded.profile` },
    })
    .returning({ inserted: sql<boolean>`(xmax = 0)` });
  return rows[0]?.inserted ?? false;
}

export async function deleteImportProfile(db: Db, orgId: string, name: string): Promise<boolean> {
  const rows = await db
    .delete(importProfiles)
    .where(and(eq(importProfiles.orgId, orgId), eq(importProfiles.name, name)))
    .returning({ id: importProfiles.id });
  return rows.length > 0;
}

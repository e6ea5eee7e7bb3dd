import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectProfile, type ImportProfile, type ImportRowResult } from '../../src/ingest/import/index.ts';
import { fixturePath } from './fixtures.ts';
import { bad, good, importFixture, importText } from './import-helpers.ts';

const hashes = (results: ImportRowResult[]) => results.flatMap((result) => (result.ok ? [result.rowHash] : []));

describe('re-imports', () => {
  it('give the same row hashes (also the externalId) for the same file', async () => {
    const first = await importFixture('comment-cards/comment-cards-messy.csv');
    const second = await importFixture('comment-cards/comment-cards-messy.csv');
    expect(hashes(first)).toHaveLength(7);
    expect(new Set(hashes(first)).size).toBe(7);
    expect(hashes(second)).toEqual(hashes(first));
    expect(good(first).map((item) => [item.source, item.externalId])).toEqual(
      hashes(first).map((hash) => ['import', hash]),
    );
  });

  it('ignore row order, line endings and spacing, but not an edited cell', async () => {
    const lines = readFileSync(fixturePath('comment-cards/comment-cards-clean.csv'), 'utf8').trim().split('\n');
    const [header = '', ...rows] = lines;
    const reordered = [header, ...rows.reverse().map((row) => row.replace(',', ' ,  '))].join('\r\n');
    const original = await importFixture('comment-cards/comment-cards-clean.csv');
    const shuffled = await importText(reordered, { fileName: 'comment-cards.csv' });
    expect(new Set(hashes(shuffled))).toEqual(new Set(hashes(original)));

    const edited = lines.join('\n').replace('Had to wait 40 minutes.', 'Had to wait 45 minutes.');
    const editedHashes = new Set(hashes(await importText(edited, { fileName: 'comment-cards.csv' })));
    expect([...hashes(original)].filter((hash) => !editedHashes.has(hash))).toHaveLength(1);
  });

  it('give one hash per text column when a row has two open questions', async () => {
    const csv =
      'Timestamp,What went well?,What could we improve?\n2024/10/02 8:31:17 AM GMT+1,Friendly staff and quick service,Longer opening hours please\n';
    const profile: ImportProfile = {
      ...detectProfile([]),
      kind: 'google_forms',
      name: 'two questions',
      headerRows: 1,
      channel: 'survey',
      columns: { text: ['What went well?', 'What could we improve?'], receivedAt: 'Timestamp' },
    };
    const results = await importText(csv, { profile });
    expect(bad(results)).toEqual([]);
    expect(good(results).map((item) => item.details?.kind === 'survey' && item.details.questionText)).toEqual([
      'What went well?',
      'What could we improve?',
    ]);
    expect(new Set(hashes(results)).size).toBe(2);
  });

  it('uses a saved profile instead of detection, and fails clearly when its text column is missing', async () => {
    const detected = await importFixture('surveys/google-forms/responses.csv');
    expect(good(detected)).toHaveLength(3);
    const saved: ImportProfile = {
      name: 'Feedback form, service column as text',
      kind: 'google_forms',
      headerRows: 1,
      channel: 'survey',
      columns: { text: ['which service is your feedback about?'], receivedAt: 'Timestamp' },
    };
    const results = await importFixture('surveys/google-forms/responses.csv', { profile: saved });
    expect(good(results).map((item) => item.text)).toEqual([
      'Roads and pavements',
      'Libraries',
      'Parks and open spaces',
    ]);
    await expect(
      importFixture('surveys/google-forms/responses.csv', { profile: { ...saved, columns: { text: ['Nope'] } } }),
    ).rejects.toMatchObject({ code: 'unknown_profile_column' });
  });
});

import { describe, expect, it } from 'vitest';
import { snapshotWithoutQuotes } from '../src/publications/erase-quotes.ts';

describe('snapshotWithoutQuotes', () => {
  const snapshot = {
    id: 'p1',
    themeName: 'Libraries',
    youSaid: { summary: 'S', count: 12, quotes: ['mine', 'theirs', 'mine', 'other'] },
    weDid: [{ title: 'T' }],
    updatedAt: '2026-01-01T00:00:00.000Z',
  };

  it('drops every equal occurrence and keeps the rest of the frozen snapshot as it was', () => {
    const result = snapshotWithoutQuotes(snapshot, new Set(['mine']));
    expect(result).toEqual({
      removed: 2,
      snapshot: { ...snapshot, youSaid: { ...snapshot.youSaid, quotes: ['theirs', 'other'] } },
    });
    expect(snapshot.youSaid.quotes).toEqual(['mine', 'theirs', 'mine', 'other']);
  });

  it('matches whole texts only, and returns null when nothing is removed', () => {
    expect(snapshotWithoutQuotes(snapshot, new Set(['min', 'mine ', 'MINE']))).toBeNull();
    expect(snapshotWithoutQuotes(null, new Set(['mine']))).toBeNull();
    expect(snapshotWithoutQuotes({ id: 'p2' }, new Set(['mine']))).toBeNull();
    expect(snapshotWithoutQuotes({ youSaid: { quotes: null } }, new Set(['mine']))).toBeNull();
  });

  it('can empty the array', () => {
    const result = snapshotWithoutQuotes({ youSaid: { quotes: ['mine'] } }, new Set(['mine']));
    expect(result?.snapshot).toEqual({ youSaid: { quotes: [] } });
  });
});

import { describe, expect, it } from 'vitest';
import { detectEmergingTopics } from '../src/emerging.ts';
import type { ThemeDef } from '../src/taxonomy.ts';

const taxonomy: ThemeDef[] = [{ key: 'waste', name: 'Bins', rules: { include: ['bin', 'bins'] } }];
const filler = ['The library was quiet today', 'Staff at the desk were helpful', 'Opening hours suit me'];

function items(prefix: string, n: number, extra: (i: number) => string | null) {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, text: extra(i) ?? filler[i % filler.length]! }));
}

describe('emerging topics', () => {
  it('finds a term rising in recent feedback and gives example items', () => {
    const baseline = items('b', 60, () => null);
    const recent = items('r', 30, (i) => (i % 3 === 0 ? `Queued at the ticket machine, again (${i})` : null));
    const topics = detectEmergingTopics(recent, baseline, taxonomy);
    const top = topics[0];
    expect(top?.term).toBe('ticket machine');
    expect(topics.map((t) => t.term)).not.toContain('ticket');
    expect(top?.count).toBe(10);
    expect(top?.exampleIds).toContain('r0');
  });

  it('does not propose a term that a theme rule already covers', () => {
    const baseline = items('b', 60, () => null);
    const recent = items('r', 30, (i) => (i % 3 === 0 ? `Bins overflowing in the street (${i})` : null));
    const terms = detectEmergingTopics(recent, baseline, taxonomy).map((t) => t.term);
    expect(terms.some((t) => t.split(' ').includes('bins'))).toBe(false);
    expect(terms).toContain('overflowing');
  });

  it('does not propose terms that were as common in the baseline', () => {
    const baseline = items('b', 60, (i) => (i % 3 === 0 ? `Ticket machine broken (${i})` : null));
    const recent = items('r', 30, (i) => (i % 3 === 0 ? `Ticket machine broken (${i})` : null));
    expect(detectEmergingTopics(recent, baseline, taxonomy)).toEqual([]);
  });
});

describe('emerging topics: everyday words', () => {
  it('does not propose contractions or words of time that rise with any busy week', () => {
    const baseline = items('b', 60, () => null);
    const recent = items('r', 30, (i) =>
      i % 3 === 0 ? `There's a new supplier this morning and the week was busy, yesterday too (${i})` : null,
    );
    const terms = detectEmergingTopics(recent, baseline, taxonomy).flatMap((t) =>
      [t.term, ...t.related].join(' ').split(' '),
    );
    for (const w of ['theres', 'new', 'morning', 'week', 'yesterday']) expect(terms).not.toContain(w);
    expect(terms).toContain('supplier');
  });
});

describe('emerging topics: one topic per story', () => {
  it('gathers the rising terms of the same items into one topic, and keeps another story apart', () => {
    const baseline = items('b', 60, () => null);
    const recent = items('r', 30, (i) =>
      i % 3 === 0
        ? `The ticket machine took my coins and the refund form is broken (${i})`
        : i % 3 === 1
          ? `Electric scooters left on the pavement again (${i})`
          : null,
    );
    const topics = detectEmergingTopics(recent, baseline, taxonomy);
    const ticket = topics.find((t) => [t.term, ...t.related].includes('ticket machine'));
    const scooters = topics.find((t) => [t.term, ...t.related].some((r) => r.includes('scooters')));
    expect(ticket).toBeDefined();
    expect(scooters).toBeDefined();
    expect(ticket).not.toBe(scooters);
    expect(ticket!.term).toBe('ticket machine');
    expect(ticket!.related).toEqual(expect.arrayContaining(['refund form', 'coins']));
    expect(ticket!.related.length).toBeGreaterThan(0);
    // a single story is one entry, not one per word of it
    expect(topics.length).toBeLessThanOrEqual(2);
    // no phrase across punctuation
    const commas = items('r', 30, (i) => (i % 3 === 0 ? `Kiosk broken, round the back (${i})` : null));
    const terms = detectEmergingTopics(commas, baseline, taxonomy).flatMap((t) => [t.term, ...t.related]);
    expect(terms).not.toContain('broken round');
    expect(terms).toContain('kiosk broken');
  });
});

describe('emerging topics: a rare word beside a common one', () => {
  it('is not made part of its story', () => {
    const baseline = items('b', 60, () => null);
    const recent = items('r', 40, (i) =>
      i < 16 ? `The ticket machine was broken again (${i})${i < 3 ? ' said Kayleigh' : ''}` : null,
    );
    const topics = detectEmergingTopics(recent, baseline, taxonomy);
    const ticket = topics.find((t) => t.term.includes('ticket'));
    expect(ticket).toBeDefined();
    expect(ticket!.related.join(' ')).not.toContain('kayleigh');
  });
});

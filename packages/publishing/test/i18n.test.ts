import { describe, expect, it } from 'vitest';
import { contrast, formatDate, formatPeriod, messages, palette, t } from '../src/index.ts';

describe('messages', () => {
  it('has a Welsh string for every English one, with the same placeholders', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(messages.en) as (keyof typeof messages.en)[]) {
      expect(messages.cy[key].trim(), key).not.toBe('');
      expect(placeholders(messages.cy[key]), key).toEqual(placeholders(messages.en[key]));
    }
  });

  it('uses the agreed Welsh for the core terms', () => {
    expect(t('cy', 'youSaid')).toBe('Dywedoch chi');
    expect(t('cy', 'weDid')).toBe('Gwnaethom ni');
    expect(t('cy', 'subscribeButton')).toBe('Tanysgrifio');
    expect(t('en', 'fewerThan', { k: 5 })).toBe('Fewer than 5 people told us');
  });
});

describe('dates', () => {
  it('formats dates in English and Welsh in UK time', () => {
    expect(formatDate('en', new Date('2025-03-05T12:00:00Z'))).toBe('5 March 2025');
    expect(formatDate('cy', new Date('2025-03-05T12:00:00Z'))).toBe('5 Mawrth 2025');
    // 23:30 UTC on 30 June is already 1 July in London (BST).
    expect(formatDate('cy', new Date('2025-06-30T23:30:00Z'))).toBe('1 Gorffennaf 2025');
    // Intl's thin spaces around the dash become plain spaces.
    expect(formatPeriod('cy', new Date('2025-01-01T00:00:00Z'), new Date('2025-03-31T00:00:00Z'))).toMatch(
      /^1 Ionawr – 31 Mawrth 2025$/,
    );
  });
});

describe('palette', () => {
  it('derives link and header text colours with at least 4.5:1 contrast for any brand colour', () => {
    for (const colour of ['#ffdd00', '#00ffff', '#888888', '#ff0000', '#1d70b8', '#ffffff', '#000000', 'nonsense']) {
      const p = palette(colour);
      expect(contrast(p.accent, '#ffffff'), colour).toBeGreaterThanOrEqual(4.5);
      expect(contrast(p.accent, p.tint), colour).toBeGreaterThanOrEqual(4.5);
      expect(contrast(p.onBrand, p.brand), colour).toBeGreaterThanOrEqual(4.5);
    }
  });
});

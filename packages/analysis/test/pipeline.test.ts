import { describe, expect, it } from 'vitest';
import { trainThemeModel } from '../src/classifier.ts';
import { createAnalyser } from '../src/pipeline.ts';
import { defaultTaxonomy, type ThemeDef } from '../src/taxonomy.ts';

describe('pipeline', () => {
  const analyser = createAnalyser({ taxonomy: defaultTaxonomy });

  it('returns language, redacted text, PII spans, sentiment and rule themes with their terms', () => {
    const r = analyser.analyse({
      text: 'The bins were not emptied and the staff were rude. Email me at jo@example.com',
    });
    expect(r.language).toBe('en');
    expect(r.redacted).toContain('[email]');
    expect(r.redacted).not.toContain('jo@example.com');
    expect(r.pii.map((s) => s.type)).toContain('email');
    expect(r.sentiment.score).toBeLessThan(0);
    const waste = r.themes.find((t) => t.key === 'environment.waste');
    expect(waste).toMatchObject({ source: 'rule', terms: ['bins'] });
    expect(r.themes.find((t) => t.key === 'staff')?.terms).toEqual(['staff', 'rude']);
    expect(r.needsTriage).toBe(false);
  });

  it('sends items without a theme to triage', () => {
    const r = analyser.analyse({ text: 'Lorem ipsum dolor sit amet' });
    expect(r.themes).toEqual([]);
    expect(r.needsTriage).toBe(true);
  });

  it('forces and vetoes themes with rules even against the model', () => {
    const taxonomy: ThemeDef[] = [
      { key: 'parking', name: 'Parking', rules: { include: [], force: ['blue badge'], exclude: ['park and ride'] } },
      { key: 'food', name: 'Food', rules: { include: ['food'] } },
    ];
    const examples = [
      ...Array.from({ length: 20 }, (_, i) => ({ text: `parking was hard to find ${i}`, labels: ['parking'] })),
      ...Array.from({ length: 20 }, (_, i) => ({ text: `the meal was cold ${i}`, labels: ['food'] })),
    ];
    const withModel = createAnalyser({ taxonomy, themeModel: trainThemeModel(examples) });
    expect(withModel.analyse({ text: 'parking was hard to find' }).themes.map((t) => t.key)).toEqual(['parking']);
    expect(withModel.analyse({ text: 'parking was hard to find, use the park and ride' }).themes).toEqual([]);
    const forced = withModel.analyse({ text: 'the meal was cold and my blue badge was ignored' });
    expect(forced.themes.find((t) => t.key === 'parking')).toMatchObject({ source: 'rule', terms: ['blue badge'] });
    expect(forced.themes.find((t) => t.key === 'parking')!.confidence).toBeGreaterThanOrEqual(0.95);
  });

  it('honours the triage threshold', () => {
    const strict = createAnalyser({ taxonomy: defaultTaxonomy, triageThreshold: 0.95 });
    const r = strict.analyse({ text: 'The bins were not emptied' });
    expect(r.themes.length).toBeGreaterThan(0);
    expect(r.needsTriage).toBe(true);
  });

  it('does not throw on empty input', () => {
    const r = analyser.analyse({ text: '' });
    expect(r).toMatchObject({ normalised: '', themes: [], needsTriage: true, truncated: false });
  });

  it('caps 100 KB of text at 20,000 characters and says so', () => {
    const r = analyser.analyse({ text: 'The waiting room was cold. '.repeat(4000) });
    expect(r.truncated).toBe(true);
    expect(r.normalised.length).toBeLessThanOrEqual(20_000);
    expect(r.themes.map((t) => t.key)).toContain('facilities');
  });

  it('does not throw on binary garbage', () => {
    const bytes = Array.from({ length: 5000 }, (_, i) => String.fromCharCode((i * 7919) % 65536));
    const r = analyser.analyse({ text: bytes.join('') });
    expect(typeof r.redacted).toBe('string');
    expect(r.error).toBeUndefined();
  });

  it('does not throw on mixed scripts and non-string input', () => {
    const r = analyser.analyse({ text: 'Staff 很好 очень хорошо 👍🏽 شكرا Diolch yn fawr' });
    expect(r.themes.map((t) => t.key)).toContain('staff');
    const odd = analyser.analyse({ text: 42 as unknown as string });
    expect(odd.normalised).toBe('42');
  });

  it('analyses a batch in order', () => {
    const out = analyser.analyseBatch([{ text: 'Parking is awful' }, { text: 'Lovely park' }]);
    expect(out.map((r) => r.themes[0]?.key)).toEqual(['transport.parking', 'environment.parks']);
  });
});

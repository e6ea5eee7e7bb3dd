import { describe, expect, it } from 'vitest';
import { compileRules, matchRules, matchThemeRules } from '../src/rules.ts';
import { defaultTaxonomy, type ThemeDef } from '../src/taxonomy.ts';
import { tokenise } from '../src/tokenise.ts';

const taxonomy: ThemeDef[] = [
  { key: 'clean', name: 'Cleanliness', rules: { include: ['dirty', 'clean'] } },
  { key: 'parking', name: 'Parking', rules: { include: ['parking', 'car park'] } },
  {
    key: 'waste',
    name: 'Bins',
    rules: { include: ['bin', 'recycl*'], exclude: ['bin laden'], force: ['fly tipping'] },
  },
];

const keys = (text: string) =>
  matchThemeRules(taxonomy, text)
    .filter((m) => m.terms.length > 0 && !m.vetoed)
    .map((m) => m.key);

describe('rules', () => {
  it('tag a theme from a stemmed phrase and return the matched words', () => {
    const [match] = matchThemeRules(taxonomy, 'The Car Parks were full');
    expect(match?.key).toBe('parking');
    expect(match?.terms).toEqual(['car parks']);
  });

  it('do not fire on a negated mention: "not dirty"', () => {
    expect(keys('The toilets were dirty')).toEqual(['clean']);
    expect(keys('The toilets were not dirty')).toEqual([]);
    expect(matchThemeRules(taxonomy, 'The toilets were not dirty')[0]?.negatedTerms).toEqual(['dirty']);
  });

  it('do not fire on a negated mention: "no problem with parking"', () => {
    expect(keys('No problem with parking at all')).toEqual([]);
    expect(keys('Parking was a problem')).toEqual(['parking']);
  });

  it('end the negation scope at "but" and at punctuation', () => {
    expect(keys('Not bad, but the parking was awful')).toEqual(['parking']);
    expect(keys('Never again. Parking was awful')).toEqual(['parking']);
  });

  it('match a prefix word with *', () => {
    expect(keys('Recycling collections are erratic')).toEqual(['waste']);
  });

  it('veto a theme with an exclude phrase', () => {
    const m = matchThemeRules(taxonomy, 'A documentary on bin laden');
    expect(m.find((x) => x.key === 'waste')?.vetoed).toBe(true);
  });

  it("two organisations' rules on the same words each match as their own (the per-word memo is per compilation)", () => {
    const other: ThemeDef[] = [
      { key: 'transport', name: 'Transport', rules: { include: ['car', 'bus*'] } },
      { key: 'clean', name: 'Cleanliness', rules: { include: ['toilets'], exclude: ['car park'] } },
    ];
    const ours = compileRules(taxonomy);
    const theirs = compileRules(other);
    const text = 'The car park toilets were dirty and the buses late';
    const tokens = tokenise(text);
    const handMade = tokens.map(({ info: _, ...t }) => t); // no memo record: the tables every time
    const summary = (ms: ReturnType<typeof matchRules>) =>
      ms.map((m) => `${m.key}:${m.terms.join('+')}:${m.vetoed}`).sort();
    for (let round = 0; round < 3; round++) {
      expect(summary(matchRules(ours, tokens))).toEqual(['clean:dirty:false', 'parking:car park:false']);
      expect(summary(matchRules(theirs, tokens))).toEqual(['clean:toilets:true', 'transport:car+buses:false']);
      expect(summary(matchRules(ours, tokens))).toEqual(summary(matchRules(ours, handMade)));
      expect(summary(matchRules(theirs, tokens))).toEqual(summary(matchRules(theirs, handMade)));
    }
  });

  it('tag activities in the default taxonomy without the stemmer reaching too far', () => {
    const activities = (text: string) =>
      matchThemeRules(defaultTaxonomy, text).find((m) => m.key === 'activities' && m.terms.length > 0)?.terms ?? [];
    expect(activities('More fitness classes and a yoga club please')).toEqual(['fitness classes', 'yoga', 'club']);
    expect(activities('First class service, of course, the staff were very active and fit')).toEqual([]);
    expect(activities('My physio sessions and exercises helped')).toEqual([]);
  });

  it('mark force phrases as forced', () => {
    const m = matchThemeRules(taxonomy, 'Fly tipping behind the shops');
    expect(m.find((x) => x.key === 'waste')).toMatchObject({ forced: true, terms: ['fly tipping'] });
  });
});

describe('tokenise', () => {
  it('joins contractions so "don\'t" is a negator, and marks the words after it', () => {
    const toks = tokenise("I don't like the food");
    expect(toks.map((t) => t.word)).toEqual(['i', 'dont', 'like', 'the', 'food']);
    expect(toks.map((t) => t.negated)).toEqual([false, false, true, true, true]);
  });

  it('ends the negation at a negated amount: "not enough parking" is about parking', () => {
    // the tokens keep their marks (the models' features use them); only the rules read past the amount
    expect(tokenise('There is not enough parking').map((t) => t.negated)).toEqual([false, false, false, true, true]);
    expect(keys('There is not enough parking')).toEqual(['parking']);
    expect(keys('There was no parking problem')).toEqual([]);
    expect(
      matchThemeRules(defaultTaxonomy, 'Does dim digon o lefydd parcio', { welsh: true })
        .filter((m) => m.terms.length > 0)
        .map((m) => m.key),
    ).toEqual(['transport.parking']);
  });

  it('keeps offsets into the original text', () => {
    const text = 'Café  staff';
    const toks = tokenise(text);
    expect(toks.map((t) => text.slice(t.start, t.end))).toEqual(['Café', 'staff']);
  });
});

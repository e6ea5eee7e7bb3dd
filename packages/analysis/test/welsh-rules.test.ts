import { describe, expect, it } from 'vitest';
import { detectEmergingTopics } from '../src/emerging.ts';
import { detectPii } from '../src/pii.ts';
import { createAnalyser } from '../src/pipeline.ts';
import { compileRules, matchRules, matchThemeRules } from '../src/rules.ts';
import { lexiconSentiment } from '../src/sentiment.ts';
import { defaultTaxonomy, type ThemeDef } from '../src/taxonomy.ts';
import { tokenise, welshRadicals } from '../src/tokenise.ts';

const themesOf = (text: string, welsh: boolean) =>
  matchThemeRules(defaultTaxonomy, text, { welsh })
    .filter((m) => m.terms.length > 0)
    .map((m) => `${m.key}:${m.terms.join('+')}`)
    .sort();

describe('Welsh initial mutations', () => {
  it.each([
    ['gymraeg', 'cymraeg'], // soft c→g
    ['nghymraeg', 'cymraeg'], // nasal c→ngh
    ['chymraeg', 'cymraeg'], // aspirate c→ch
    ['barcio', 'parcio'], // soft p→b
    ['mharcio', 'parcio'], // nasal p→mh
    ['phris', 'pris'], // aspirate p→ph
    ['daith', 'taith'], // soft t→d
    ['nhaith', 'taith'], // nasal t→nh
    ['thaith', 'taith'], // aspirate t→th
    ['ddrud', 'drud'], // soft d→dd
    ['nrws', 'drws'], // nasal d→n
    ['fwyd', 'bwyd'], // soft b→f
    ['mwyd', 'bwyd'], // nasal b→m
    ['wefan', 'gwefan'], // soft g→∅
    ['ngwefan', 'gwefan'], // nasal g→ng
    ['feddyg', 'meddyg'], // soft m→f
    ['lyfrgell', 'llyfrgell'], // soft ll→l
    ['reolwr', 'rheolwr'], // soft rh→r
    ['hamser', 'amser'], // h before a vowel
  ])('%s may stand for %s', (mutated, radical) => {
    expect(welshRadicals(mutated)).toContain(radical);
  });

  it('never returns the word itself, and does not invent forms Welsh cannot have', () => {
    expect(welshRadicals('cymraeg')).toEqual([]);
    expect(welshRadicals('llyfrgell')).not.toContain('gllyfrgell');
    expect(welshRadicals('rhent')).not.toContain('grhent');
    expect(welshRadicals('ffordd')).toEqual([]);
  });

  it('matches rule words in their mutated forms in Welsh text, one- and two-word phrases', () => {
    // "ddigwyddiadau" reaches the prefix rule digwyddiad* through its radical form
    expect(themesOf('Hoffwn weld mwy o ddigwyddiadau yn Gymraeg', true)).toEqual([
      'activities:ddigwyddiadau',
      'language:gymraeg',
    ]);
    expect(themesOf('Roedd ei wefan yn anodd', true)).toEqual(['digital:wefan']);
    expect(themesOf('Mae fy nhrwydded barcio wedi dod i ben', true)).toEqual(['transport.parking:nhrwydded barcio']);
    expect(themesOf('Mae’r parcio yn rhy ddrud', true)).toEqual(['cost:ddrud', 'transport.parking:parcio']);
  });

  it("splits the Welsh clitics 'n and 'r off their word, and keeps English contractions whole", () => {
    const words = (text: string) => tokenise(text).map((t) => t.word);
    expect(words("Mae'r system archebu’n iawn")).toEqual(['mae', 'system', 'archebu', 'iawn']);
    expect(words("I don't think it's the patient's fault, we're O'Neill's")).toEqual([
      'i',
      'dont',
      'think',
      'its',
      'the',
      'patients',
      'fault',
      'were',
      'oneills',
    ]);
    expect(themesOf("Mae'r system archebu'n iawn ond mae'r maes parcio'n llawn", true)).toEqual([
      'access.appointments:archebu',
      'transport.parking:maes parcio',
    ]);
    // "maes" (field) is written =maes in the rules: the English stemmer would make it "mae" (is)
    expect(themesOf("Mae'r parcio yn iawn", true)).toEqual(['transport.parking:parcio']);
  });

  it('matches only the written form when the text is not Welsh', () => {
    expect(themesOf('Hoffwn weld mwy o ddigwyddiadau yn Gymraeg', false)).toEqual([]);
    // English words that look like mutated ones stay themselves: "mad" and "fad" are not "bad"
    const taxonomy: ThemeDef[] = [{ key: 'bad', name: 'Bad', rules: { include: ['bad'] } }];
    expect(matchThemeRules(taxonomy, 'I was mad about the fad')).toEqual([]);
    expect(matchThemeRules(taxonomy, 'I was mad about the fad', { welsh: true }).map((m) => m.terms)).toEqual([
      ['mad', 'fad'],
    ]);
  });

  it('keeps negation: a negated mutated word does not tag the theme', () => {
    const [cost] = matchThemeRules(defaultTaxonomy, 'Doedd y parcio ddim yn ddrud', { welsh: true }).filter(
      (m) => m.key === 'cost',
    );
    expect(cost?.terms).toEqual([]);
    expect(cost?.negatedTerms).toEqual(['ddrud']);
  });

  it('keeps Welsh and non-Welsh matching apart in the word memo', () => {
    const rules = compileRules(defaultTaxonomy);
    const tokens = tokenise('ei wefan');
    const keys = (welsh: boolean) => matchRules(rules, tokens, { welsh }).map((m) => m.key);
    expect(keys(true)).toEqual(['digital']);
    expect(keys(false)).toEqual([]);
    expect(keys(true)).toEqual(['digital']);
  });

  it('tags Welsh feedback through the pipeline, which detects the language', () => {
    const analyser = createAnalyser({ taxonomy: defaultTaxonomy });
    const cy = analyser.analyse({
      text: 'Roedd y staff yn garedig iawn ond roedd y wefan yn araf ac roedd hi’n anodd talu.',
    });
    expect(cy.language).toBe('cy');
    const digital = cy.themes.find((t) => t.key === 'digital');
    expect(digital).toMatchObject({ source: 'rule', terms: ['wefan'] });
    expect(cy.themes.find((t) => t.key === 'staff')?.terms).toContain('garedig');
    const en = analyser.analyse({ text: 'The new website was mad, honestly a fad.' });
    expect(en.language).toBe('en');
    expect(en.themes.map((t) => t.key)).toEqual(['digital']);
  });

  it('does not propose a mutated form of a covered word as an emerging topic', () => {
    const taxonomy: ThemeDef[] = [{ key: 'digital', name: 'Gwefan', rules: { include: ['gwefan'] } }];
    const baseline = Array.from({ length: 40 }, (_, i) => ({
      id: `b${i}`,
      text: `Roedd y staff yn garedig iawn ac roedd yr ystafell yn lân (${i})`,
    }));
    const recent = Array.from({ length: 20 }, (_, i) => ({
      id: `r${i}`,
      text:
        i % 2 === 0
          ? `Mae eich wefan newydd yn ofnadwy o araf ac nid yw'n gweithio (${i})`
          : `Roedd y staff yn garedig iawn ac roedd yr ystafell yn lân (${i})`,
    }));
    const terms = detectEmergingTopics(recent, baseline, taxonomy).flatMap((t) => [t.term, ...t.related]);
    expect(terms).toContain('araf');
    expect(terms.some((t) => t.split(' ').includes('wefan'))).toBe(false);
  });
});

describe('Welsh sentiment', () => {
  const score = (text: string) => lexiconSentiment(text).score;

  it('reads adjectives in their mutated forms ("yn garedig", "yn wael", "yn ddrud")', () => {
    expect(lexiconSentiment('Roedd y staff yn garedig.').class).toBe('positive');
    expect(score('Roedd y gwasanaeth yn wael ac roedd y parcio yn ddrud.')).toBeLessThan(-0.5);
    expect(score('Mae’r system yn ddryslyd ac yn araf.')).toBeLessThan(-0.5);
    expect(score('Croeso cynnes bob tro. Mae’r gwirfoddolwyr yn arbennig.')).toBeGreaterThan(0.5);
  });

  it('negates them after "ddim", and leaves short words alone ("na" is not a mutated "da")', () => {
    expect(score('Doedd y staff ddim yn gyfeillgar.')).toBeLessThan(0);
    expect(score('Na, dim byd.')).toBe(0);
  });

  it('takes "iawn" after an adjective as "very", and alone as "fine"', () => {
    expect(score('Roedd y staff yn garedig iawn.')).toBeGreaterThan(score('Roedd y staff yn garedig.'));
    expect(score('Roedd y bwyd yn oer iawn.')).toBeLessThan(score('Roedd y bwyd yn oer.'));
    expect(score('Mae popeth yn iawn.')).toBeGreaterThan(0);
  });
});

describe('Welsh emerging topics', () => {
  it('counts a word and its mutated forms as one term', () => {
    const baseline = Array.from({ length: 40 }, (_, i) => ({
      id: `b${i}`,
      text: `Roedd y staff yn garedig iawn (${i})`,
    }));
    const recent = Array.from({ length: 12 }, (_, i) => ({
      id: `r${i}`,
      text: i % 2 === 0 ? `Mae angen mwy o ddigwyddiadau yn y llyfrgell (${i})` : `Roedd y digwyddiadau yn wych (${i})`,
    }));
    const topics = detectEmergingTopics(recent, baseline, []);
    const events = topics.find((t) => t.term.includes('digwyddiadau'));
    expect(events?.count).toBe(12);
  });

  it('does not propose Welsh function words when Welsh feedback rises', () => {
    const english = (i: number) => ({ id: `b${i}`, text: `The staff at the desk were helpful today (${i})` });
    const baseline = Array.from({ length: 40 }, (_, i) => english(i));
    const recent = Array.from({ length: 20 }, (_, i) => ({
      id: `r${i}`,
      text: `Roedd y staff gyda ni yn garedig iawn bob tro, mwy na ddoe, diolch yn fawr (${i})`,
    }));
    const terms = detectEmergingTopics(recent, baseline, []).flatMap((t) => [t.term, ...t.related]);
    for (const w of ['iawn', 'gyda', 'bob', 'mwy', 'ddoe', 'diolch', 'fawr'])
      expect(terms.join(' ').split(' ')).not.toContain(w);
    expect(terms).toContain('garedig');
  });
});

describe('Welsh given names', () => {
  const names = (text: string) =>
    detectPii(text)
      .filter((p) => p.type === 'name')
      .map((p) => text.slice(p.start, p.end));

  it('are found without a cue, and those that are also words only with a surname or a cue', () => {
    expect(names('Cefais help gan Mererid ar y ffôn.')).toEqual(['Mererid']);
    expect(names('Roedd Iestyn a Heledd yn y dderbynfa yn wych.')).toEqual(['Iestyn', 'Heledd']);
    expect(names('Mae Gŵyl yr Haf yn y parc ddydd Sadwrn, ac mae Eira yn dod.')).toEqual([]);
    expect(names('Fy enw i yw Haf Jones.')).toEqual(['Haf Jones']);
    // places are not people
    expect(names('We walked in the Elan Valley and up Cadair Idris.')).toEqual([]);
  });
});

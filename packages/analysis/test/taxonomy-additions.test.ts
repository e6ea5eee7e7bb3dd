import { describe, expect, it } from 'vitest';
import { defaultTaxonomy, defaultTaxonomyAdditions, type ThemeDef } from '../src/taxonomy.ts';

const defaults: ThemeDef[] = [
  {
    key: 'waste',
    name: 'Bins',
    nameCy: 'Biniau',
    parentKey: null,
    rules: { include: ['bins', 'recycling', 'biniau'] },
  },
  { key: 'waste.litter', name: 'Litter', parentKey: 'waste', rules: { include: ['litter'] } },
  { key: 'parks', name: 'Parks', parentKey: null, rules: { include: ['park', 'parc'], exclude: ['car park'] } },
  { key: 'activities', name: 'Activities', parentKey: null, rules: { include: ['classes', 'gym'] } },
  { key: 'activities.swim', name: 'Swimming', parentKey: 'activities', rules: { include: ['swimming'] } },
  { key: 'roads.signs', name: 'Signs', parentKey: 'roads', rules: { include: ['road signs'] } },
];

describe('default taxonomy additions', () => {
  const org = [
    // "bin" says what "bins" says; "recycling" was removed by staff long ago, or never there
    { key: 'waste', rules: { include: ['bin', 'fly tipping'] } },
    { key: 'waste.litter', rules: { include: ['litter', 'dog mess'] } },
    { key: 'parks', rules: { include: ['park', 'playground'], force: ['parc'] } },
  ];

  it('offers missing phrases of shared themes, missing themes with their parents, and never removes anything', () => {
    expect(defaultTaxonomyAdditions(org, undefined, defaults)).toEqual([
      {
        key: 'waste',
        name: 'Bins',
        nameCy: 'Biniau',
        parentKey: null,
        newTheme: false,
        include: ['recycling', 'biniau'],
        exclude: [],
      },
      { key: 'parks', name: 'Parks', parentKey: null, newTheme: false, include: [], exclude: ['car park'] },
      {
        key: 'activities',
        name: 'Activities',
        parentKey: null,
        newTheme: true,
        include: ['classes', 'gym'],
        exclude: [],
      },
      {
        key: 'activities.swim',
        name: 'Swimming',
        parentKey: 'activities',
        newTheme: true,
        include: ['swimming'],
        exclude: [],
      },
    ]);
  });

  it('leaves out what staff turned down, and a sub-theme whose parent the organisation does not have', () => {
    const skip = (key: string, _kind: string, phrase: string) => key === 'waste' && phrase === 'recycling';
    const additions = defaultTaxonomyAdditions(org, skip, defaults);
    expect(additions.find((a) => a.key === 'waste')?.include).toEqual(['biniau']);
    expect(additions.map((a) => a.key)).not.toContain('roads.signs');
  });

  it('offers nothing to an organisation that has the whole default taxonomy', () => {
    expect(defaultTaxonomyAdditions(defaultTaxonomy)).toEqual([]);
  });
});

describe('default taxonomy additions: one phrase per meaning', () => {
  it('does not offer what the theme already says: an exact word it has by stem ("=parked" is "park"), or a longer phrase containing one of its phrases', () => {
    const defs: ThemeDef[] = [
      {
        key: 'p',
        name: 'P',
        parentKey: null,
        rules: {
          include: ['=parking', 'parking space', 'parking spaces', '=parked', 'blue badge bay', 'blue badge bays'],
        },
      },
    ];
    const offered = (include: string[]) =>
      defaultTaxonomyAdditions([{ key: 'p', rules: { include } }], undefined, defs)[0]?.include ?? [];
    expect(offered(['parking'])).toEqual(['blue badge bay']);
    // measured against the theme's own phrases only: each offered phrase may be ticked alone
    expect(offered(['bay'])).toEqual(['=parking', 'parking space']);
  });
});

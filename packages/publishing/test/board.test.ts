import { describe, expect, it } from 'vitest';
import { renderBoard, renderEmbed, renderEntry, renderNotFoundPage } from '../src/index.ts';
import { baseUrl, demoOrg, sampleEntries } from './fixtures.ts';

const entries = sampleEntries();
const [waiting, lighting, bins] = entries as [(typeof entries)[0], (typeof entries)[0], (typeof entries)[0]];

function headingLevels(markup: string): number[] {
  return [...markup.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
}

describe('renderBoard', () => {
  it('renders in Welsh with <html lang="cy"> and Welsh labels', () => {
    const board = renderBoard({ org: demoOrg, entries, lang: 'cy', baseUrl });
    expect(board).toContain('<html lang="cy"');
    expect(board).toContain('Dywedoch chi, gwnaethom ni');
    expect(board).toContain('Dywedoch chi');
    expect(board).toContain('Gwnaethom ni');
    expect(board).toContain('Cyngor Bwrdeistref Demo');
    expect(board).toContain('Dywedodd <strong>142</strong> o bobl wrthym');
    expect(board).toContain('Neidio i’r prif gynnwys');
    expect(board).toContain('Amseroedd aros yn y swyddfa dai');
  });

  it('marks English text shown on a Welsh page with lang="en"', () => {
    const board = renderBoard({ org: demoOrg, entries: [bins], lang: 'cy', baseUrl });
    expect(board).toMatch(/lang="en"><a [^>]*>Missed bin collections/);
    expect(board).toContain('<p class="summary" lang="en">Recycling collections');
  });

  it('renders in English with counts and the change on the previous period', () => {
    const board = renderBoard({ org: demoOrg, entries, lang: 'en', baseUrl });
    expect(board).toContain('<html lang="en"');
    expect(board).toContain('<strong>142</strong> people told us');
    expect(board).toContain('Up 23% on the previous period (115)');
    expect(board).toContain('Down 29% on the previous period (80)');
  });

  it('shows "fewer than k" and hides the real count, change and channel mix below k', () => {
    const board = renderBoard({ org: demoOrg, entries: [lighting], lang: 'en', baseUrl });
    expect(board).toContain('Fewer than <strong>5</strong> people told us');
    expect(board).not.toMatch(/<strong>3<\/strong>/);
    expect(board).not.toContain('previous period');
    expect(board).not.toContain('How people told us');
    const welsh = renderBoard({ org: demoOrg, entries: [lighting], lang: 'cy', baseUrl });
    expect(welsh).toContain('Dywedodd llai na <strong>5</strong> o bobl wrthym');
  });

  it('renders a declined action as "We can’t, because …"', () => {
    const board = renderBoard({ org: demoOrg, entries: [lighting], lang: 'en', baseUrl });
    expect(board).toContain('badge--declined');
    expect(board).toContain('Not going ahead');
    expect(board).toContain('<strong>We can’t, because</strong> <span>the path is in a flood zone');
    const welsh = renderBoard({ org: demoOrg, entries: [lighting], lang: 'cy', baseUrl });
    expect(welsh).toContain('<strong>Ni allwn wneud hyn, oherwydd</strong> <span>mae’r llwybr mewn parth llifogydd');
  });

  it('renders impact as before → after with the unit', () => {
    const board = renderBoard({ org: demoOrg, entries: [waiting], lang: 'en', baseUrl });
    expect(board).toMatch(
      /<dt>Average wait<\/dt><dd>.*25<\/span> <span aria-hidden="true">→<\/span><span class="vh"> to<\/span> 12 min<\/dd>/,
    );
    expect(board).toContain('Completed 12 May 2025');
  });

  it('has no script, one inline stylesheet and no external stylesheet', () => {
    const board = renderBoard({ org: demoOrg, entries, lang: 'en', baseUrl });
    expect(board).not.toMatch(/<script/i);
    expect(board.match(/<style>/g)).toHaveLength(1);
    expect(board).not.toMatch(/rel="stylesheet"/);
    expect(board).not.toMatch(/ style="/);
  });

  it('has a skip link, landmarks, one h1 and no skipped heading levels', () => {
    const board = renderBoard({ org: demoOrg, entries, lang: 'en', baseUrl });
    expect(board).toContain('<a class="skip" href="#main">Skip to main content</a>');
    expect(board).toContain('<main id="main"');
    expect(board).toContain('<header class="site-header">');
    expect(board).toContain('<footer class="site-footer">');
    const levels = headingLevels(board);
    expect(levels.filter((l) => l === 1)).toHaveLength(1);
    expect(levels[0]).toBe(1);
    for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!).toBeLessThanOrEqual(1);
  });

  it('links the feeds in the head, the language switch, subscribe, poster and entry pages', () => {
    const board = renderBoard({ org: demoOrg, entries, lang: 'en', baseUrl });
    expect(board).toContain(`<link rel="alternate" type="application/rss+xml"`);
    expect(board).toContain(`href="${baseUrl}/demo/feed.rss"`);
    expect(board).toContain(`type="application/atom+xml"`);
    expect(board).toContain(`type="application/feed+json"`);
    expect(board).toContain(`href="${baseUrl}/demo/you-said-we-did?lang=cy" hreflang="cy" lang="cy">Cymraeg</a>`);
    expect(board).toContain(`href="${baseUrl}/demo/subscribe"`);
    expect(board).toContain(`href="${baseUrl}/demo/poster.pdf"`);
    expect(board).toContain(`href="${baseUrl}/demo/you-said-we-did/a1b2c3"`);
    const welsh = renderBoard({ org: demoOrg, entries, lang: 'cy', baseUrl });
    expect(welsh).toContain(`href="${baseUrl}/demo/you-said-we-did/a1b2c3?lang=cy"`);
    expect(welsh).toContain(`href="${baseUrl}/demo/you-said-we-did?lang=en" hreflang="en" lang="en">English</a>`);
  });

  it('shows an empty state when nothing is published', () => {
    const board = renderBoard({ org: demoOrg, entries: [], lang: 'en', baseUrl });
    expect(board).toContain('Nothing published yet');
    expect(board).not.toContain('class="entries"');
    expect(renderBoard({ org: demoOrg, entries: [], lang: 'cy', baseUrl })).toContain('Dim wedi’i gyhoeddi eto');
  });

  it('echoes the filters in a GET form and keeps them in the language switch', () => {
    const board = renderBoard({
      org: demoOrg,
      entries: [],
      lang: 'en',
      baseUrl,
      filters: { theme: 'housing' },
      themes: [
        { key: 'housing', name: 'Housing' },
        { key: 'waste', name: 'Waste' },
      ],
    });
    expect(board).toContain(`<form class="panel filters" method="get" action="${baseUrl}/demo/you-said-we-did"`);
    expect(board).toContain('<option value="housing" selected>Housing</option>');
    expect(board).toContain('No updates match these filters.');
    expect(board).toContain('you-said-we-did?theme=housing&amp;lang=cy');
  });

  it('hides the language switch when the organisation publishes in one language', () => {
    const board = renderBoard({ org: { ...demoOrg, languages: ['en'] }, entries, lang: 'en', baseUrl });
    expect(board).not.toContain('class="lang-switch"');
  });

  it('uses a brand colour dark enough for links on white', () => {
    const board = renderBoard({ org: { ...demoOrg, primaryColour: '#ffdd00' }, entries, lang: 'en', baseUrl });
    expect(board).toContain('--brand:#ffdd00;--on-brand:#0b0c0c');
    expect(board).not.toContain('--accent:#ffdd00');
  });
});

describe('renderEntry', () => {
  it('renders one entry with its h1, sentiment, version and a link back to the board', () => {
    const page = renderEntry({ org: demoOrg, entry: waiting, lang: 'en', baseUrl });
    expect(page).toMatch(/<h1 class="entry__title" id="entry-0">Waiting times at the housing office<\/h1>/);
    expect(page).toContain('How people felt');
    expect(page).toContain('Version 3');
    expect(page).toContain(`href="${baseUrl}/demo/you-said-we-did"`);
    expect(page).toContain(`<link rel="canonical" href="${baseUrl}/demo/you-said-we-did/a1b2c3">`);
    expect(page).not.toMatch(/<script/i);
    const levels = headingLevels(page);
    for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!).toBeLessThanOrEqual(1);
  });
});

describe('renderEmbed', () => {
  it('has no header or footer and opens links in the parent page', () => {
    const embed = renderEmbed({ org: demoOrg, entries, lang: 'en', baseUrl, limit: 2 });
    expect(embed).toContain('<base target="_top">');
    expect(embed).not.toContain('<header');
    expect(embed).not.toContain('<footer');
    expect(embed.match(/<article /g)).toHaveLength(2);
    expect(embed).toContain('See all updates');
    expect(embed).not.toMatch(/<script/i);
  });
});

describe('renderNotFoundPage', () => {
  it('renders for an unknown organisation without links to its board', () => {
    const page = renderNotFoundPage({ org: null, lang: 'cy', baseUrl });
    expect(page).toContain('Heb ddod o hyd i’r dudalen');
    expect(page).not.toContain('you-said-we-did');
    expect(page).toContain('noindex');
  });
});

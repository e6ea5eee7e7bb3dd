import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderAtom, renderJsonFeed, renderRss } from '../src/index.ts';
import { baseUrl, demoOrg, sampleEntries } from './fixtures.ts';

const now = new Date('2025-06-10T08:00:00Z');
const entries = sampleEntries();
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });

describe('renderRss', () => {
  it('is RSS 2.0 with the required channel elements and an atom:link self', () => {
    const rss = parser.parse(renderRss({ org: demoOrg, entries, lang: 'en', baseUrl, now }));
    expect(rss.rss['@version']).toBe('2.0');
    const channel = rss.rss.channel;
    expect(channel.title).toBe('Demo Borough Council: You said, we did');
    expect(channel.link).toBe(`${baseUrl}/demo/you-said-we-did`);
    expect(channel.description).toBeTruthy();
    expect(channel.lastBuildDate).toBe(now.toUTCString());
    expect(channel['atom:link']['@rel']).toBe('self');
    expect(channel['atom:link']['@href']).toBe(`${baseUrl}/demo/feed.rss`);
  });

  it('carries every entry with a permanent guid, date and the You said / We did text', () => {
    const rss = parser.parse(renderRss({ org: demoOrg, entries, lang: 'en', baseUrl, now }));
    const items = rss.rss.channel.item;
    expect(items).toHaveLength(3);
    expect(items[0].title).toBe('Waiting times at the housing office: Book an appointment online');
    expect(items[0].guid['#text']).toBe(`${baseUrl}/demo/you-said-we-did/a1b2c3`);
    expect(items[0].guid['@isPermaLink']).toBe('true');
    expect(new Date(items[0].pubDate).toISOString()).toBe('2025-05-20T10:00:00.000Z');
    expect(items[0].description).toContain('142 people told us');
    expect(items[1].description).toContain('Fewer than 5 people told us');
    expect(items[1].description).toContain('We can’t, because');
  });

  it('is in Welsh for lang=cy, with Welsh links', () => {
    const xml = renderRss({ org: demoOrg, entries, lang: 'cy', baseUrl, now });
    const channel = parser.parse(xml).rss.channel;
    expect(channel.language).toBe('cy');
    expect(channel.title).toBe('Cyngor Bwrdeistref Demo: Dywedoch chi, gwnaethom ni');
    expect(channel.item[0].link).toBe(`${baseUrl}/demo/you-said-we-did/a1b2c3?lang=cy`);
    expect(channel.item[0].description).toContain('Dywedodd 142 o bobl wrthym');
  });
});

describe('renderAtom', () => {
  it('has the feed elements RFC 4287 requires', () => {
    const feed = parser.parse(renderAtom({ org: demoOrg, entries, lang: 'en', baseUrl, now })).feed;
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.id).toBe(`${baseUrl}/demo/feed.atom`);
    expect(feed.title['#text']).toBe('Demo Borough Council: You said, we did');
    expect(feed.updated).toBe('2025-06-02T15:30:00.000Z');
    expect(feed.author.name).toBe('Demo Borough Council');
    const self = feed.link.find((l: { '@rel': string }) => l['@rel'] === 'self');
    expect(self['@href']).toBe(`${baseUrl}/demo/feed.atom`);
  });

  it('gives every entry an id, title, updated and content, with the same id in every language', () => {
    const en = parser.parse(renderAtom({ org: demoOrg, entries, lang: 'en', baseUrl, now })).feed.entry;
    const cy = parser.parse(renderAtom({ org: demoOrg, entries, lang: 'cy', baseUrl, now })).feed.entry;
    expect(en).toHaveLength(3);
    for (const entry of en) {
      expect(entry.id).toMatch(/^https:\/\//);
      expect(entry.title['#text']).toBeTruthy();
      expect(entry.updated).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(entry.content['@type']).toBe('html');
    }
    expect(cy.map((e: { id: string }) => e.id)).toEqual(en.map((e: { id: string }) => e.id));
    expect(cy[0].content['#text']).toContain('Gwnaethom ni');
  });

  it('uses now as updated when nothing is published', () => {
    const feed = parser.parse(renderAtom({ org: demoOrg, entries: [], lang: 'en', baseUrl, now })).feed;
    expect(feed.updated).toBe(now.toISOString());
    expect(feed.entry).toBeUndefined();
  });
});

describe('renderJsonFeed', () => {
  it('is JSON Feed 1.1 with items carrying html and text content', () => {
    const feed = JSON.parse(renderJsonFeed({ org: demoOrg, entries, lang: 'cy', baseUrl, now }));
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.title).toBe('Cyngor Bwrdeistref Demo: Dywedoch chi, gwnaethom ni');
    expect(feed.feed_url).toBe(`${baseUrl}/demo/feed.json?lang=cy`);
    expect(feed.language).toBe('cy');
    expect(feed.items).toHaveLength(3);
    expect(feed.items[0].id).toBe(`${baseUrl}/demo/you-said-we-did/a1b2c3`);
    expect(feed.items[0].content_html).toContain('<h2>Dywedoch chi</h2>');
    expect(feed.items[0].content_text).toContain('Gwnaethom ni:');
    expect(feed.items[0].date_modified).toBe('2025-06-02T15:30:00.000Z');
  });
});

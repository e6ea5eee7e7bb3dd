import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  renderAtom,
  renderBoard,
  renderContributorNotification,
  renderDoubleOptInEmail,
  renderEmbed,
  renderEntry,
  renderFeedbackFormPage,
  renderJsonFeed,
  renderNewsletter,
  renderNotFoundPage,
  renderRss,
  renderSubscribePage,
} from '../src/index.ts';
import type { Lang } from '../src/types.ts';
import { hostileEntry, hostileOrg, XSS } from './hostile.ts';

const baseUrl = 'https://feedback.example.gov.uk';
const now = new Date('2025-06-01T12:00:00Z');

function expectInert(markup: string): void {
  expect(markup).not.toMatch(/<script/i);
  expect(markup).not.toContain('onmouseover="');
  expect(markup).not.toMatch(/href="javascript:/i);
  expect(markup).not.toMatch(/src="javascript:/i);
  expect(markup).toContain('&lt;script&gt;');
}

async function htmlRenderers(lang: Lang): Promise<Record<string, string>> {
  const org = hostileOrg;
  const entry = hostileEntry();
  const option = { key: `k${XSS}`, name: `Option ${XSS}` };
  const notification = renderContributorNotification({
    org,
    lang,
    contributorName: `Name ${XSS}`,
    youSaidExcerpt: `Said ${XSS}`,
    action: { title: `T ${XSS}`, statement: `S ${XSS}`, status: 'declined', declinedReason: `R ${XSS}` },
    entryUrl: `${baseUrl}/demo/you-said-we-did/1?a="${XSS}`,
    unsubscribeUrl: `${baseUrl}/demo/unsubscribe?t="${XSS}`,
  });
  const newsletter = await renderNewsletter({
    org,
    entries: [entry],
    lang,
    baseUrl,
    unsubscribeUrl: `${baseUrl}/u?t="${XSS}`,
    issueTitle: `Issue ${XSS}`,
    intro: `Intro ${XSS}`,
  });
  return {
    board: renderBoard({
      org,
      entries: [entry],
      lang,
      baseUrl,
      filters: { theme: `k${XSS}`, period: `p${XSS}` },
      themes: [option],
      periods: [option],
    }),
    entry: renderEntry({ org, entry, lang, baseUrl }),
    embed: renderEmbed({ org, entries: [entry], lang, baseUrl }),
    subscribeForm: renderSubscribePage({
      org,
      lang,
      baseUrl,
      state: 'form',
      topics: [option],
      csrfToken: `c${XSS}`,
      error: `Error ${XSS}`,
      values: { email: `e${XSS}`, topics: [`k${XSS}`] },
    }),
    subscribeError: renderSubscribePage({ org, lang, baseUrl, state: 'error', error: `Error ${XSS}` }),
    feedbackForm: renderFeedbackFormPage({
      org,
      lang,
      baseUrl,
      siteKey: `sk${XSS}`,
      servicePoints: [option],
      customerGroups: [option],
      state: 'error',
      error: `Error ${XSS}`,
      fieldErrors: { text: `Field ${XSS}` },
      values: { text: `Text ${XSS}`, name: `N ${XSS}`, email: `E ${XSS}`, phone: `P ${XSS}`, servicePoint: `k${XSS}` },
      csrfToken: `c${XSS}`,
    }),
    notFound: renderNotFoundPage({ org, lang, baseUrl }),
    notification: notification.html,
    doubleOptIn: renderDoubleOptInEmail({ org, lang, confirmUrl: `${baseUrl}/c?t="${XSS}` }).html,
    newsletter: newsletter.html,
  };
}

describe('escaping', () => {
  for (const lang of ['en', 'cy'] as const) {
    it(`escapes a script injected in every field of every HTML renderer (${lang})`, async () => {
      const outputs = await htmlRenderers(lang);
      for (const [name, markup] of Object.entries(outputs)) {
        try {
          expectInert(markup);
        } catch (error) {
          throw new Error(`${name}: ${(error as Error).message}`);
        }
      }
    });
  }

  it('keeps a hostile brand colour out of the stylesheet', () => {
    const board = renderBoard({ org: hostileOrg, entries: [hostileEntry()], lang: 'en', baseUrl });
    expect(board.match(/<\/style>/g)).toHaveLength(1);
    expect(board).toContain('--brand:#1d4f91');
  });

  it('drops a javascript: logo URL and keeps an https one', () => {
    const withBad = renderBoard({ org: hostileOrg, entries: [], lang: 'en', baseUrl });
    expect(withBad).not.toContain('<img');
    const withGood = renderBoard({
      org: { ...hostileOrg, logoUrl: 'https://cdn.example.org/logo.png' },
      entries: [],
      lang: 'en',
      baseUrl,
    });
    expect(withGood).toContain('<img src="https://cdn.example.org/logo.png" alt="">');
  });

  it('carries injected text in feeds only as escaped text', () => {
    const input = { org: hostileOrg, entries: [hostileEntry()], lang: 'en' as const, baseUrl, now };
    const parser = new XMLParser({ ignoreAttributes: false });
    for (const xml of [renderRss(input), renderAtom(input)]) {
      expect(xml).not.toMatch(/<script/i);
      expect(() => parser.parse(xml)).not.toThrow();
    }
    const rss = parser.parse(renderRss(input));
    const description: string = rss.rss.channel.item.description;
    expect(description).not.toMatch(/<script/i);
    expect(description).toContain('&lt;script&gt;');
    const json = JSON.parse(renderJsonFeed(input));
    expect(json.items[0].content_html).not.toMatch(/<script/i);
    expect(json.items[0].content_text).toContain(XSS);
  });
});

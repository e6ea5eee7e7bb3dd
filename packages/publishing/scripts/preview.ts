/**
 * Renders sample pages to /tmp so they can be looked at in a browser:
 * `npx tsx packages/publishing/scripts/preview.ts`, then open /tmp/board-preview.html.
 * With /usr/bin/chromium present it also takes screenshots (/tmp/board.png and friends).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { renderBoard, renderEmbed, renderEntry, renderFeedbackFormPage, renderSubscribePage } from '../src/index.ts';
import { baseUrl, demoOrg, sampleEntries } from '../test/fixtures.ts';

const entries = sampleEntries();
const themes = entries.map((e) => ({ key: e.id, name: e.themeName }));
const pages: Record<string, string> = {
  'board-preview': renderBoard({ org: demoOrg, entries, lang: 'en', baseUrl, themes }),
  'board-preview-cy': renderBoard({ org: demoOrg, entries, lang: 'cy', baseUrl, themes }),
  'board-empty': renderBoard({ org: demoOrg, entries: [], lang: 'en', baseUrl }),
  'entry-preview': renderEntry({ org: demoOrg, entry: entries[0]!, lang: 'en', baseUrl }),
  'embed-preview': renderEmbed({ org: demoOrg, entries, lang: 'en', baseUrl }),
  'subscribe-preview': renderSubscribePage({
    org: demoOrg,
    lang: 'en',
    baseUrl,
    state: 'form',
    topics: themes,
    csrfToken: 'preview',
  }),
  'feedback-preview': renderFeedbackFormPage({
    org: demoOrg,
    lang: 'cy',
    baseUrl,
    siteKey: 'pk_preview',
    servicePoints: [{ key: 'civic', name: 'Civic Centre' }],
    state: 'form',
  }),
};

const widths: Record<string, string> = { 'board-preview': '1200,1600' };
const chromium = '/usr/bin/chromium';
for (const [name, html] of Object.entries(pages)) {
  const file = `/tmp/${name}.html`;
  writeFileSync(file, html);
  if (existsSync(chromium)) {
    const png = name === 'board-preview' ? '/tmp/board.png' : `/tmp/${name}.png`;
    execFileSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--hide-scrollbars',
        `--screenshot=${png}`,
        `--window-size=${widths[name] ?? process.env.PREVIEW_SIZE ?? '1200,1600'}`,
        `file://${file}`,
      ],
      { stdio: 'ignore' },
    );
    console.log(`${file} -> ${png}`);
  } else {
    console.log(file);
  }
}

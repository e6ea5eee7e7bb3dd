import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { schema } from '@closeloop/db';
import { eq } from 'drizzle-orm';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually, type TestApp, type TestOrg, withApp } from '../harness/app.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  process.stderr.write(`browser tests skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)\n`);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A third-party site on its own origin that embeds the widget like a customer would. */
async function startHostSite(appUrl: string, siteKey: () => string) {
  const server = http.createServer((request, response) => {
    const lang = request.url?.startsWith('/cy') ? 'cy' : 'en';
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html lang="${lang}"><head><title>Host site</title>
<style>button{all:unset;color:red;font-size:40px}dialog{display:none!important}</style></head>
<body><h1>Riverside Council</h1><p><a href="#main">A link on the host page</a></p>
<script src="${appUrl}/widget.js" data-site-key="${siteKey()}" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** What has focus inside the widget's shadow root, described by name or text. */
function focusedInWidget(page: Page) {
  return page.evaluate(() => {
    const root = document.querySelector('[data-closeloop-widget]')?.shadowRoot;
    const active = root?.activeElement as HTMLElement | null | undefined;
    if (!active) return null;
    return active.getAttribute('name') ?? active.getAttribute('aria-label') ?? active.textContent?.trim() ?? '';
  });
}

describe.skipIf(!hasChromium)('the widget and the hosted form in real Chromium', () => {
  let t: TestApp;
  let org: TestOrg;
  let browser: Browser;
  let appUrl: string;
  let site: Awaited<ReturnType<typeof startHostSite>>;
  let strangerSite: Awaited<ReturnType<typeof startHostSite>>;
  let siteKey = '';

  beforeAll(async () => {
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}`;
    t = await withApp({ publicUrl: appUrl });
    await t.app.listen({ port, host: '127.0.0.1' });
    org = await t.createOrg('browserville');
    await t.startWorker();
    site = await startHostSite(appUrl, () => siteKey);
    strangerSite = await startHostSite(appUrl, () => siteKey);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/widget-keys',
      headers: { authorization: `Bearer ${org.apiKey}` },
      payload: { name: 'Host site', allowedOrigins: [site.url] },
    });
    siteKey = (created.json() as { key: string }).key;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await strangerSite?.close();
    await t?.close();
  });

  test('keyboard only: open the widget, rate, write, consent, send; the feedback is stored and analysed', async () => {
    const context = await browser.newContext({ reducedMotion: 'reduce' });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${site.url}/`);
    const opener = page.getByRole('button', { name: 'Feedback', exact: true });
    await opener.waitFor();

    // Tab from the top of the page: the host's link, then the widget's button.
    for (let i = 0; i < 5 && (await focusedInWidget(page)) !== 'Feedback'; i++) await page.keyboard.press('Tab');
    expect(await focusedInWidget(page)).toBe('Feedback');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Tell us what you think' });
    await dialog.waitFor();
    expect(await opener.getAttribute('aria-expanded')).toBe('true');
    // Reduced motion: the dialog does not animate.
    expect(await dialog.evaluate((d) => getComputedStyle(d).animationName)).toBe('none');

    // Focus starts on the rating; Space picks 1, three ArrowRights move to 4.
    expect(await focusedInWidget(page)).toBe('rating');
    await page.keyboard.press('Space');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Tab');
    expect(await focusedInWidget(page)).toBe('text');
    await page.keyboard.type('The online form for reporting potholes keeps timing out before I can submit it.');
    await page.keyboard.press('Tab');
    await page.keyboard.type('driver@example.org');
    await page.keyboard.press('Tab');
    expect(await focusedInWidget(page)).toBe('consentContact');
    await page.keyboard.press('Tab');
    expect(await focusedInWidget(page)).toBe('consentOutcome');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    // The honeypot is skipped: next stop is the send button.
    expect(await focusedInWidget(page)).toBe('Send feedback');
    await page.keyboard.press('Enter');
    await page.getByText('Thank you for your feedback').waitFor();

    const row = await eventually(async () => {
      const rows = await t.database.db.select().from(schema.feedback).where(eq(schema.feedback.orgId, org.id));
      const found = rows.find((r) => r.text?.includes('potholes'));
      return found?.status === 'analysed' ? found : null;
    }, 15_000);
    expect(row.channel).toBe('widget');
    expect(row.rating).toBe(4);
    expect(row.language).toBe('en');
    expect(row.details).toMatchObject({ kind: 'widget', pageUrl: `${site.url}/`, siteKey, ratingScale: 5 });
    const [contact] = await t.database.db.select().from(schema.contacts).where(eq(schema.contacts.id, row.contactId!));
    expect(contact).toMatchObject({ consentContact: false, consentOutcome: true, hasEmail: true });

    // Esc closes the dialog and focus returns to the button.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await focusedInWidget(page)).toBe('Feedback');
    expect(await opener.getAttribute('aria-expanded')).toBe('false');
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 60_000);

  test('focus is trapped in the dialog and a missing text is announced on the field', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 667 }, isMobile: true });
    const page = await context.newPage();
    await page.goto(`${site.url}/`);
    await page.getByRole('button', { name: 'Feedback', exact: true }).click();
    await page.getByRole('dialog').waitFor();
    // Shift+Tab from the rating reaches the close button, then wraps to the last control.
    await page.keyboard.press('Shift+Tab');
    expect(await focusedInWidget(page)).toBe('Close');
    await page.keyboard.press('Shift+Tab');
    expect(await focusedInWidget(page)).toBe('Send feedback');
    await page.keyboard.press('Tab');
    expect(await focusedInWidget(page)).toBe('Close');
    // Sending nothing: the error is tied to the text box and focus goes there.
    await page.getByRole('button', { name: 'Send feedback' }).click();
    const text = page.getByRole('textbox', { name: 'Your feedback' });
    expect(await text.getAttribute('aria-invalid')).toBe('true');
    expect(await focusedInWidget(page)).toBe('text');
    await page.getByText('Enter your feedback', { exact: true }).waitFor();
    // On a phone the dialog fills the width.
    const width = await page.getByRole('dialog').evaluate((d) => d.getBoundingClientRect().width);
    expect(width).toBeGreaterThanOrEqual(370);
    await context.close();
  }, 60_000);

  test('the host page’s styles do not reach the widget, and Welsh pages get a Welsh widget', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site.url}/cy`);
    const opener = page.getByRole('button', { name: 'Adborth' });
    await opener.waitFor();
    // The host sets every button red at 40px; the shadow root keeps the widget's own look.
    const style = await opener.evaluate((b) => ({
      colour: getComputedStyle(b).color,
      size: getComputedStyle(b).fontSize,
    }));
    expect(style).toEqual({ colour: 'rgb(255, 255, 255)', size: '16px' });
    await opener.click();
    await page.getByRole('dialog', { name: 'Dywedwch eich barn wrthym' }).waitFor();
    await context.close();
  }, 60_000);

  test('on a site whose origin is not allowed, the widget shows a clear error and never throws', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${strangerSite.url}/`);
    await page.getByRole('button', { name: 'Feedback', exact: true }).click();
    await page.getByRole('textbox', { name: 'Your feedback' }).fill('Sent from a site that is not allowed');
    await page.getByRole('button', { name: 'Send feedback' }).click();
    await page.getByText('Sorry, your feedback could not be sent').waitFor();
    expect(pageErrors).toEqual([]);
    const rows = await t.database.db.select().from(schema.feedback).where(eq(schema.feedback.orgId, org.id));
    expect(rows.some((r) => r.text?.includes('not allowed'))).toBe(false);
    await context.close();
  }, 60_000);

  test('the hosted feedback form works with JavaScript disabled', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${appUrl}/browserville/feedback`);
    // First an error: the form comes back with the rating kept.
    await page.getByLabel('5 – Very good').check();
    await page.getByRole('button', { name: 'Send feedback' }).click();
    await page.getByText('There is a problem').waitFor();
    expect(await page.getByLabel('5 – Very good').isChecked()).toBe(true);
    await page.getByLabel('Your feedback').fill('Bins on our street were missed twice this month without any notice.');
    await page.getByRole('button', { name: 'Send feedback' }).click();
    await page.getByRole('heading', { name: 'Thank you for your feedback' }).waitFor();
    const row = await eventually(async () => {
      const rows = await t.database.db.select().from(schema.feedback).where(eq(schema.feedback.orgId, org.id));
      return rows.find((r) => r.text?.includes('Bins on our street'));
    });
    expect(row.channel).toBe('widget');
    expect(row.rating).toBe(5);
    expect(row.details).toEqual({ kind: 'widget', pageUrl: `${appUrl}/browserville/feedback` });
    await context.close();
  }, 60_000);
});

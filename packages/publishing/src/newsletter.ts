import { countText, declinedText } from './cards.ts';
import { palette } from './colour.ts';
import { unsubscribeHeaders } from './email.ts';
import { entryText } from './feeds.ts';
import { formatPeriod, localise, orgName, statusLabel } from './format.ts';
import { escapeHtml, html } from './html.ts';
import { t } from './i18n.ts';
import type { Lang, OrgBranding, RenderedEmail, YouSaidWeDidEntry } from './types.ts';
import { langQuery, publicUrls, withQuery } from './urls.ts';

export interface NewsletterInput {
  org: OrgBranding;
  entries: YouSaidWeDidEntry[];
  /** The subscriber's language. */
  lang: Lang;
  baseUrl: string;
  unsubscribeUrl: string;
  issueTitle: string;
  /** Optional opening paragraph; defaults to a standard one. */
  intro?: string;
}

const FONT = 'Arial, Helvetica, sans-serif';
const MUTED = '#4b5458';

/** Escapes for MJML attribute values and element text (MJML is XML). */
const x = escapeHtml;

function entrySection(input: NewsletterInput, entry: YouSaidWeDidEntry, colours: ReturnType<typeof palette>): string {
  const { lang } = input;
  const urls = publicUrls(input.baseUrl, input.org.slug);
  const entryUrl = withQuery(urls.entry(entry.id), langQuery(lang));
  const theme = localise(lang, entry.themeName, entry.themeNameCy).text;
  const summary = localise(lang, entry.youSaid.summary, entry.youSaid.summaryCy).text;
  const count = countText(lang, entry.youSaid);
  const actions = entry.weDid.map((action) => {
    const title = localise(lang, action.title, action.titleCy).text;
    const statement = localise(lang, action.statement, action.statementCy).text;
    const declined = action.status === 'declined' ? declinedText(lang, action) : null;
    return html`<p style="margin:0 0 12px;"><span style="font-size:13px;font-weight:bold;color:${colours.accent};">${statusLabel(
      lang,
      action.status,
    )}</span><br><strong>${title}</strong><br>${statement}${
      declined ? html`<br><strong>${declined.because}</strong>${declined.reason ? html` ${declined.reason}` : ''}` : ''
    }</p>`.value;
  });
  const label = (text: string) =>
    `<mj-text font-size="13px" font-weight="bold" letter-spacing="1px" text-transform="uppercase" color="${colours.accent}" padding="0 0 8px">${x(text)}</mj-text>`;
  return `
<mj-section background-color="#ffffff" padding="8px 28px 0">
  <mj-column>
    <mj-divider border-color="#d3d9de" border-width="1px" padding="0 0 16px" />
    <mj-text font-size="20px" font-weight="bold" line-height="1.3" padding="0 0 4px">${x(theme)}</mj-text>
    <mj-text font-size="14px" color="${MUTED}" padding="0 0 12px">${x(formatPeriod(lang, entry.periodStart, entry.periodEnd))}</mj-text>
  </mj-column>
</mj-section>
<mj-section background-color="#ffffff" padding="0 28px">
  <mj-column width="50%" padding="0 12px 12px 0">
    ${label(t(lang, 'youSaid'))}
    ${count ? `<mj-text font-weight="bold" padding="0 0 8px">${x(count)}</mj-text>` : ''}
    <mj-text>${x(summary)}</mj-text>
  </mj-column>
  <mj-column width="50%" background-color="${colours.tint}" padding="12px">
    ${label(t(lang, 'weDid'))}
    <mj-text>${actions.length ? actions.join('') : x(t(lang, 'noActionsYet'))}</mj-text>
  </mj-column>
</mj-section>
<mj-section background-color="#ffffff" padding="0 28px 16px">
  <mj-column>
    <mj-text padding="8px 0 0"><a href="${x(entryUrl)}" style="color:${colours.accent};font-weight:bold;">${x(
      t(lang, 'readMore'),
    )}<span style="display:none;">: ${x(theme)}</span></a></mj-text>
  </mj-column>
</mj-section>`;
}

export function newsletterMjml(input: NewsletterInput): string {
  const { org, lang } = input;
  const colours = palette(org.primaryColour);
  const name = orgName(org, lang);
  const urls = publicUrls(input.baseUrl, org.slug);
  const intro = input.intro?.trim() || t(lang, 'newsletterIntro');
  return `<mjml lang="${lang === 'cy' ? 'cy' : 'en'}" dir="ltr">
<mj-head>
  <mj-title>${x(input.issueTitle)}</mj-title>
  <mj-preview>${x(intro)}</mj-preview>
  <mj-attributes>
    <mj-all font-family="${FONT}" />
    <mj-text font-size="16px" line-height="1.5" color="#0b0c0c" padding="0 0 12px" />
    <mj-section padding="0" />
  </mj-attributes>
</mj-head>
<mj-body background-color="#f4f6f8" width="600px">
  <mj-section padding="24px 0 0"><mj-column></mj-column></mj-section>
  <mj-section background-color="${colours.brand}" padding="20px 28px">
    <mj-column><mj-text color="${colours.onBrand}" font-size="18px" font-weight="bold" padding="0">${x(name)}</mj-text></mj-column>
  </mj-section>
  <mj-section background-color="#ffffff" padding="28px 28px 8px">
    <mj-column>
      <mj-text font-size="26px" font-weight="bold" line-height="1.25">${x(input.issueTitle)}</mj-text>
      <mj-text>${x(intro)}</mj-text>
    </mj-column>
  </mj-section>
  ${input.entries.map((entry) => entrySection(input, entry, colours)).join('\n')}
  <mj-section background-color="#ffffff" padding="8px 28px 28px">
    <mj-column>
      <mj-button href="${x(withQuery(urls.board, langQuery(lang)))}" background-color="${colours.accent}" color="#ffffff" font-weight="bold" border-radius="4px" align="left" padding="8px 0 0">${x(
        t(lang, 'viewOnline'),
      )}</mj-button>
    </mj-column>
  </mj-section>
  <mj-section padding="16px 28px 24px">
    <mj-column>
      <mj-text font-size="13px" color="${MUTED}">${x(t(lang, 'newsletterWhy'))} <a href="${x(input.unsubscribeUrl)}" style="color:${MUTED};">${x(
        t(lang, 'unsubscribe'),
      )}</a></mj-text>
    </mj-column>
  </mj-section>
</mj-body>
</mjml>`;
}

type Mjml2Html = (
  input: string,
  options?: { validationLevel?: 'strict' | 'soft' | 'skip'; fonts?: Record<string, string>; keepComments?: boolean },
) => Promise<{ html: string; errors: { formattedMessage: string }[] }>;
let compiler: Promise<Mjml2Html> | undefined;

/** The periodic newsletter: MJML compiled to responsive email HTML, plus a plain-text part. */
export async function renderNewsletter(input: NewsletterInput): Promise<RenderedEmail> {
  const { org, lang } = input;
  compiler ??= import('mjml').then((m) => m.default as unknown as Mjml2Html);
  const mjml2html = await compiler;
  // No web fonts: MJML would otherwise link Google Fonts, an external request from every reader.
  const result = await mjml2html(newsletterMjml(input), { validationLevel: 'strict', fonts: {}, keepComments: false });
  const urls = publicUrls(input.baseUrl, org.slug);
  const intro = input.intro?.trim() || t(lang, 'newsletterIntro');
  const rule = '-'.repeat(40);
  const text = [
    orgName(org, lang),
    '',
    input.issueTitle,
    '',
    intro,
    ...input.entries.flatMap((entry) => [
      '',
      rule,
      localise(lang, entry.themeName, entry.themeNameCy).text,
      formatPeriod(lang, entry.periodStart, entry.periodEnd),
      '',
      entryText(lang, entry),
      '',
      `${t(lang, 'readMore')}: ${withQuery(urls.entry(entry.id), langQuery(lang))}`,
    ]),
    '',
    rule,
    `${t(lang, 'viewOnline')}: ${withQuery(urls.board, langQuery(lang))}`,
    '',
    t(lang, 'newsletterWhy'),
    `${t(lang, 'unsubscribe')}: ${input.unsubscribeUrl}`,
    '',
  ].join('\n');
  return { subject: input.issueTitle, html: result.html, text, headers: unsubscribeHeaders(input.unsubscribeUrl) };
}

import { countText, declinedText } from './cards.ts';
import { palette } from './colour.ts';
import { excerpt } from './email.ts';
import { formatPeriod, localise, orgName, statusLabel } from './format.ts';
import { t } from './i18n.ts';
import { createPdf, type PdfOptions, qrPng } from './pdf.ts';
import type { Lang, OrgBranding, YouSaidWeDidEntry } from './types.ts';
import { langQuery, publicUrls, withQuery } from './urls.ts';

export interface PosterInput extends PdfOptions {
  org: OrgBranding;
  /** The entries to feature, best first; the poster fits as many as it can, up to `limit`. */
  entries: YouSaidWeDidEntry[];
  lang: Lang;
  baseUrl: string;
  /** Most entries shown; default 3. */
  limit?: number;
}

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = 48;
const TEXT = '#0b0c0c';
const MUTED = '#4b5458';

/** An A4 poster for notice boards: the top You said / We did entries and a QR code to the board. */
export async function renderPoster(input: PosterInput): Promise<Buffer> {
  const { org, lang } = input;
  const colours = palette(org.primaryColour);
  const urls = publicUrls(input.baseUrl, org.slug);
  const boardUrl = withQuery(urls.board, langQuery(lang));
  const name = orgName(org, lang);
  const entries = input.entries.slice(0, input.limit ?? 3);
  const latest = entries.reduce((max, e) => Math.max(max, e.updatedAt.getTime()), 0);
  const pdf = await createPdf(
    input,
    {
      Title: `${t(lang, 'boardTitle')} – ${name}`,
      Author: name,
      Subject: t(lang, 'posterTagline'),
      Keywords: entries.map((e) => localise(lang, e.themeName, e.themeNameCy).text).join(', '),
      CreationDate: new Date(latest),
    },
    { top: MARGIN, bottom: 0, left: MARGIN, right: MARGIN },
  );
  const { doc, text } = pdf;
  doc.addPage();
  const width = PAGE.width - 2 * MARGIN;

  // Header band in the brand colour.
  const bandHeight = 170;
  doc.rect(0, 0, PAGE.width, bandHeight).fill(colours.brand);
  doc.fillColor(colours.onBrand).font(pdf.bold).fontSize(14).text(text(name), MARGIN, 40, { width });
  doc
    .font(pdf.bold)
    .fontSize(40)
    .text(text(t(lang, 'boardTitle')), MARGIN, 66, { width });
  doc
    .font(pdf.regular)
    .fontSize(15)
    .text(text(t(lang, 'posterTagline')), MARGIN, 120, { width });

  // Entries, each in two columns, while they fit above the QR footer.
  const footerTop = PAGE.height - MARGIN - 130 - 36;
  const gap = 20;
  const column = (width - gap) / 2;
  let y = bandHeight + 32;
  // A column is a bold first line (count, or status and title) over regular text.
  const columnHeight = (lead: string, body: string, w: number) => {
    doc.font(pdf.bold).fontSize(12.5);
    const leadHeight = lead ? doc.heightOfString(text(lead), { width: w }) + 4 : 0;
    doc.font(pdf.regular).fontSize(12);
    return leadHeight + (body ? doc.heightOfString(text(body), { width: w }) : 0);
  };
  const drawColumn = (lead: string, body: string, x: number, top: number, w: number) => {
    let cursor = top;
    if (lead) {
      doc.fillColor(TEXT).font(pdf.bold).fontSize(12.5).text(text(lead), x, cursor, { width: w });
      cursor = doc.y + 4;
    }
    if (body) doc.fillColor(TEXT).font(pdf.regular).fontSize(12).text(text(body), x, cursor, { width: w });
  };
  for (const entry of entries) {
    const theme = localise(lang, entry.themeName, entry.themeNameCy).text;
    const summary = excerpt(localise(lang, entry.youSaid.summary, entry.youSaid.summaryCy).text, 220);
    const count = countText(lang, entry.youSaid) ?? '';
    const action = entry.weDid[0];
    let didLead = '';
    let didBody = t(lang, 'noActionsYet');
    if (action) {
      const title = localise(lang, action.title, action.titleCy).text;
      const statement = excerpt(localise(lang, action.statement, action.statementCy).text, 200);
      const declined = action.status === 'declined' ? declinedText(lang, action) : null;
      didLead = `${statusLabel(lang, action.status)}: ${title}`;
      didBody = declined
        ? `${declined.because}${declined.reason ? ` ${excerpt(declined.reason, 200)}` : ''}`
        : statement;
    }
    doc.font(pdf.bold).fontSize(18);
    const themeHeight = doc.heightOfString(text(theme), { width });
    const bodyHeight = Math.max(columnHeight(count, summary, column), columnHeight(didLead, didBody, column - 20) + 12);
    const blockHeight = 14 + themeHeight + 8 + 18 + bodyHeight + 28;
    if (y + blockHeight > footerTop) break;
    doc
      .fillColor(MUTED)
      .font(pdf.regular)
      .fontSize(10)
      .text(text(formatPeriod(lang, entry.periodStart, entry.periodEnd)), MARGIN, y, { width });
    y += 14;
    doc.fillColor(TEXT).font(pdf.bold).fontSize(18).text(text(theme), MARGIN, y, { width });
    y += themeHeight + 8;
    const didLeft = MARGIN + column + gap;
    doc.rect(didLeft, y - 6, column, bodyHeight + 30).fill(colours.tint);
    doc.fillColor(colours.accent).font(pdf.bold).fontSize(10);
    doc.text(text(t(lang, 'youSaid').toUpperCase()), MARGIN, y, { width: column, characterSpacing: 1 });
    doc.text(text(t(lang, 'weDid').toUpperCase()), didLeft + 10, y, { width: column - 20, characterSpacing: 1 });
    y += 18;
    drawColumn(count, summary, MARGIN, y, column);
    drawColumn(didLead, didBody, didLeft + 10, y, column - 20);
    y += bodyHeight + 28;
    doc
      .moveTo(MARGIN, y - 12)
      .lineTo(PAGE.width - MARGIN, y - 12)
      .lineWidth(0.75)
      .strokeColor('#d3d9de')
      .stroke();
  }
  if (entries.length === 0) {
    doc
      .fillColor(TEXT)
      .font(pdf.bold)
      .fontSize(17)
      .text(text(t(lang, 'emptyTitle')), MARGIN, y, { width });
    doc
      .font(pdf.regular)
      .fontSize(12)
      .text(text(t(lang, 'emptyBody')), MARGIN, y + 26, { width });
  }

  // Footer: QR code to the board, with the address written out for people who cannot scan.
  const qrSize = 130;
  const qrTop = PAGE.height - MARGIN - qrSize;
  doc.rect(0, qrTop - 24, PAGE.width, PAGE.height - qrTop + 24).fill(colours.tint);
  doc.image(await qrPng(boardUrl), MARGIN, qrTop, { width: qrSize, height: qrSize });
  const textLeft = MARGIN + qrSize + 24;
  const textWidth = PAGE.width - textLeft - MARGIN;
  doc
    .fillColor(TEXT)
    .font(pdf.bold)
    .fontSize(18)
    .text(text(t(lang, 'posterScan')), textLeft, qrTop + 12, { width: textWidth });
  doc
    .fillColor(colours.accent)
    .font(pdf.regular)
    .fontSize(11)
    .text(boardUrl, textLeft, qrTop + 44, { width: textWidth, link: boardUrl });
  doc
    .fillColor(TEXT)
    .font(pdf.regular)
    .fontSize(11)
    .text(text(`${t(lang, 'subscribeCta')}: ${withQuery(urls.subscribe, langQuery(lang))}`), textLeft, qrTop + 84, {
      width: textWidth,
    });
  return pdf.finish();
}

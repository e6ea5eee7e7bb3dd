import { palette } from './colour.ts';
import { excerpt } from './email.ts';
import { formatDate, orgName } from './format.ts';
import { t } from './i18n.ts';
import { greeting, type NotificationAction, outcomeLines } from './notification.ts';
import { createPdf, type PdfOptions, qrPng } from './pdf.ts';
import type { Lang, OrgBranding } from './types.ts';

/** One letter to a contributor who asked to hear the outcome but gave only a postal address. */
export interface Letter {
  /** The contributor's language; defaults to the batch language. */
  lang?: Lang;
  name?: string | null;
  addressLines: string[];
  youSaidExcerpt: string;
  action: NotificationAction;
  entryUrl: string;
  reference?: string | null;
}

export interface LetterBatchOptions extends PdfOptions {
  org: OrgBranding;
  lang: Lang;
  /** The date printed on the letters (and the PDF's creation date). */
  date: Date;
}

const MM = 72 / 25.4;
const TEXT = '#0b0c0c';
const MUTED = '#4b5458';

/** A printable PDF, one letter per A4 page, with the address placed for a DL window envelope. */
export async function renderLetterBatch(letters: Letter[], options: LetterBatchOptions): Promise<Buffer> {
  const { org } = options;
  const colours = palette(org.primaryColour);
  const left = 20 * MM;
  const width = 210 * MM - 2 * left;
  const pdf = await createPdf(
    options,
    {
      Title: `${t(options.lang, 'letterTitle')} – ${orgName(org, options.lang)}`,
      Author: orgName(org, options.lang),
      CreationDate: options.date,
    },
    { top: 20 * MM, bottom: 15 * MM, left, right: left },
  );
  const { doc, text } = pdf;
  // Letters about the same action share one QR code image.
  const qrCodes = new Map<string, Buffer>();
  for (const letter of letters) {
    const lang = letter.lang ?? options.lang;
    const name = orgName(org, lang);
    doc.addPage();
    doc
      .fillColor(colours.accent)
      .font(pdf.bold)
      .fontSize(14)
      .text(text(name), left, 20 * MM, { width: width * 0.6 });
    doc
      .fillColor(TEXT)
      .font(pdf.regular)
      .fontSize(11)
      .text(text(formatDate(lang, options.date)), left, 20 * MM, {
        width,
        align: 'right',
      });
    // The DL window sits 20 mm from the left and about 50 mm from the top.
    const address = [letter.name?.trim(), ...letter.addressLines.map((l) => l.trim())].filter(Boolean).join('\n');
    doc.text(text(address), left, 50 * MM, { width: 85 * MM });
    let y = 100 * MM;
    doc
      .font(pdf.bold)
      .fontSize(15)
      .text(text(t(lang, 'letterTitle')), left, y, { width });
    y = doc.y + 10;
    doc.font(pdf.regular).fontSize(11.5);
    const paragraph = (value: string, options: { bold?: boolean; colour?: string; indent?: number } = {}) => {
      doc
        .fillColor(options.colour ?? TEXT)
        .font(options.bold ? pdf.bold : pdf.regular)
        .text(text(value), left + (options.indent ?? 0), y, { width: width - (options.indent ?? 0), lineGap: 2 });
      y = doc.y + 8;
    };
    paragraph(greeting(lang, letter.name));
    paragraph(t(lang, 'notifyIntro'));
    paragraph(t(lang, 'youToldUs'), { bold: true, colour: colours.accent });
    const quoteTop = y;
    paragraph(`“${excerpt(letter.youSaidExcerpt, 400)}”`, { indent: 12 });
    doc.rect(left, quoteTop, 3, y - quoteTop - 8).fill(colours.soft);
    const outcome = outcomeLines(lang, letter.action);
    paragraph(outcome.heading, { bold: true, colour: colours.accent });
    outcome.lines.forEach((line, i) => {
      // Bounded so that a letter never runs onto a second page.
      paragraph(excerpt(line, 500), { bold: i === 0 });
    });
    const qrSize = 25 * MM;
    y += 4;
    let qr = qrCodes.get(letter.entryUrl);
    if (!qr) {
      qr = await qrPng(letter.entryUrl, 300);
      qrCodes.set(letter.entryUrl, qr);
    }
    doc.image(qr, left, y, { width: qrSize, height: qrSize });
    doc
      .fillColor(TEXT)
      .font(pdf.regular)
      .text(text(t(lang, 'letterReadOnline', { url: letter.entryUrl })), left + qrSize + 12, y + 8, {
        width: width - qrSize - 12,
      });
    y += qrSize + 14;
    paragraph(t(lang, 'letterSignOff'));
    paragraph(name, { bold: true });
    if (letter.reference?.trim()) {
      y = Math.max(y, 262 * MM);
      doc.fontSize(9.5);
      paragraph(t(lang, 'letterReference', { ref: letter.reference.trim() }), { colour: MUTED });
      paragraph(t(lang, 'letterOptOut'), { colour: MUTED });
    }
  }
  if (letters.length === 0) doc.addPage();
  return pdf.finish();
}

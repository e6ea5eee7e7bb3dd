import { describe, expect, it } from 'vitest';
import { findSystemFonts, renderLetterBatch, renderPoster } from '../src/index.ts';
import type { Letter } from '../src/letters.ts';
import { baseUrl, demoOrg, sampleEntries } from './fixtures.ts';
import { pdfContains, pdfPageCount } from './pdf-text.ts';

const entries = sampleEntries();

describe('renderPoster', () => {
  it('is an A4 PDF with the entries and a QR code image', async () => {
    const pdf = await renderPoster({ org: demoOrg, entries, lang: 'en', baseUrl, compress: false });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const source = pdf.toString('latin1');
    expect(source).toContain('/MediaBox [0 0 595.28 841.89]');
    expect(source).toMatch(/\/Subtype \/Image/);
    expect(pdfPageCount(pdf)).toBe(1);
    expect(pdfContains(pdf, 'You said, we did')).toBe(true);
    expect(pdfContains(pdf, 'Waiting times at the housing office')).toBe(true);
    expect(pdfContains(pdf, 'Scan to see every update')).toBe(true);
    expect(pdfContains(pdf, `${baseUrl}/demo/you-said-we-did`)).toBe(true);
  });

  it('prints Welsh letters (ŵ) in Welsh when a TrueType font is installed', async () => {
    const pdf = await renderPoster({ org: demoOrg, entries, lang: 'cy', baseUrl, compress: false });
    expect(pdfContains(pdf, 'Dywedoch chi, gwnaethom ni')).toBe(true);
    expect(pdfContains(pdf, 'Sganiwch i weld pob diweddariad')).toBe(true);
    if (findSystemFonts()) {
      const welsh = await renderPoster({
        org: { ...demoOrg, nameCy: 'Grŵp Tai Cymunedol' },
        entries: [],
        lang: 'cy',
        baseUrl,
        compress: false,
      });
      expect(pdfContains(welsh, 'Grŵp Tai Cymunedol')).toBe(true);
    }
  });

  it('falls back to Helvetica without a TrueType font, dropping only the circumflex on ŵ', async () => {
    const pdf = await renderPoster({
      org: { ...demoOrg, nameCy: 'Grŵp Tai' },
      entries,
      lang: 'cy',
      baseUrl,
      compress: false,
      fonts: null,
    });
    expect(pdf.toString('latin1')).toContain('/BaseFont /Helvetica');
    expect(pdfContains(pdf, 'Grwp Tai')).toBe(true);
  });

  it('is the same bytes for the same input', async () => {
    const a = await renderPoster({ org: demoOrg, entries, lang: 'en', baseUrl });
    const b = await renderPoster({ org: demoOrg, entries, lang: 'en', baseUrl });
    expect(a.equals(b)).toBe(true);
  });
});

describe('renderLetterBatch', () => {
  const letter = (over: Partial<Letter>): Letter => ({
    name: 'Mrs Jones',
    addressLines: ['1 High Street', 'Newport', 'NP20 1AA'],
    youSaidExcerpt: 'The wait at the housing office is far too long on Mondays.',
    action: { title: 'Book an appointment online', statement: 'You can now book a slot.', status: 'done' },
    entryUrl: `${baseUrl}/demo/you-said-we-did/a1b2c3`,
    reference: 'CL-0001',
    ...over,
  });

  it('prints one letter per page, each in its reader’s language', async () => {
    const pdf = await renderLetterBatch(
      [
        letter({}),
        letter({
          lang: 'cy',
          name: 'Mr Evans',
          action: {
            title: 'Goleuadau',
            statement: 'Buom yn ystyried goleuadau.',
            status: 'declined',
            declinedReason: 'mae’r llwybr mewn parth llifogydd.',
          },
        }),
      ],
      { org: demoOrg, lang: 'en', date: new Date('2025-06-10T09:00:00Z'), compress: false },
    );
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfPageCount(pdf)).toBe(2);
    expect(pdfContains(pdf, 'Dear Mrs Jones,')).toBe(true);
    expect(pdfContains(pdf, '10 June 2025')).toBe(true);
    expect(pdfContains(pdf, 'NP20 1AA')).toBe(true);
    expect(pdfContains(pdf, 'Annwyl Mr Evans,')).toBe(true);
    expect(pdfContains(pdf, 'Ni allwn wneud hyn, oherwydd')).toBe(true);
    expect(pdfContains(pdf, 'Our reference: CL-0001')).toBe(true);
  });
});

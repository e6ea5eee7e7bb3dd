import { existsSync } from 'node:fs';

/** A TrueType pair for PDFs: a path or the font file's bytes. */
export interface PdfFonts {
  regular: string | Buffer;
  bold: string | Buffer;
}

export interface PdfOptions {
  /** Fonts with Welsh letters (ŵ, ŷ). Default: the first of Liberation Sans, DejaVu Sans, Noto Sans found on the system. */
  fonts?: PdfFonts | null;
  /** pdfkit compresses page streams by default; tests turn it off to read the text. */
  compress?: boolean;
}

const SYSTEM_FONTS: [string, string][] = [
  [
    '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
    '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf',
  ],
  ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'],
  ['/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf', '/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf'],
  ['/usr/share/fonts/noto/NotoSans-Regular.ttf', '/usr/share/fonts/noto/NotoSans-Bold.ttf'],
];

let systemFonts: PdfFonts | null | undefined;

/** The first installed font pair that has the Welsh letters; null when none is installed. */
export function findSystemFonts(): PdfFonts | null {
  if (systemFonts === undefined) {
    const pair = SYSTEM_FONTS.find(([regular, bold]) => existsSync(regular) && existsSync(bold));
    systemFonts = pair ? { regular: pair[0], bold: pair[1] } : null;
  }
  return systemFonts;
}

/**
 * The built-in Helvetica only has Windows-1252 letters: without a TrueType font, ŵ and ŷ lose
 * their circumflex and arrows become ASCII, rather than printing as garbage.
 */
const WIN_ANSI_FALLBACK: Record<string, string> = {
  ŵ: 'w',
  Ŵ: 'W',
  ŷ: 'y',
  Ŷ: 'Y',
  '→': '->',
  '▲': '+',
  '▼': '-',
};

export interface PdfWriter {
  doc: PDFKit.PDFDocument;
  regular: string;
  bold: string;
  /** Text made printable in the chosen font. */
  text: (value: string) => string;
  finish: () => Promise<Buffer>;
}

export async function createPdf(
  options: PdfOptions,
  info: { Title: string; Author: string; Subject?: string; Keywords?: string; CreationDate: Date },
  margins: { top: number; bottom: number; left: number; right: number },
): Promise<PdfWriter> {
  const { default: PDFDocument } = await import('pdfkit');
  // The creation date comes from the input, so the same input gives the same bytes.
  const doc = new PDFDocument({
    size: 'A4',
    margins,
    compress: options.compress ?? true,
    info: { ...info, Creator: 'closeloop', Producer: 'closeloop', ModDate: info.CreationDate },
    autoFirstPage: false,
    bufferPages: false,
  });
  const chunks: Buffer[] = [];
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const fonts = options.fonts === undefined ? findSystemFonts() : options.fonts;
  let regular = 'Helvetica';
  let bold = 'Helvetica-Bold';
  if (fonts) {
    doc.registerFont('body', fonts.regular);
    doc.registerFont('body-bold', fonts.bold);
    regular = 'body';
    bold = 'body-bold';
  }
  const text = fonts
    ? (value: string) => value
    : (value: string) => value.replace(/[ŵŴŷŶ→▲▼]/g, (c) => WIN_ANSI_FALLBACK[c] ?? c);
  return {
    doc,
    regular,
    bold,
    text,
    finish: async () => {
      doc.end();
      await ended;
      return Buffer.concat(chunks);
    },
  };
}

/** The QR code as a PNG, large enough to print sharply at poster size. */
export async function qrPng(url: string, width = 600): Promise<Buffer> {
  const { default: QRCode } = await import('qrcode');
  return QRCode.toBuffer(url, {
    type: 'png',
    errorCorrectionLevel: 'M',
    margin: 1,
    width,
    color: { dark: '#0b0c0cff', light: '#ffffffff' },
  });
}

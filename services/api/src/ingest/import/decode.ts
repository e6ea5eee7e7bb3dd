/**
 * Bytes → text for CSV imports. UTF-8 (BOM or not) is checked on the first 64 KiB; a file that is not valid
 * UTF-8 there is read as Windows-1252, the code page Excel's plain "CSV" save uses in the UK and Europe.
 * (Node's built-in `windows-1252` decoder maps 0x80–0x9F to C1 controls, so the table is explicit here.)
 */
const SNIFF_BYTES = 64 * 1024;

// biome-ignore format: one code point per byte 0x80–0x9F
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];

export function decodeCp1252(bytes: Uint8Array): string {
  let out = '';
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    out += String.fromCharCode(byte >= 0x80 && byte <= 0x9f ? (CP1252_HIGH[byte - 0x80] ?? byte) : byte);
    if (out.length >= 8192) {
      parts.push(out);
      out = '';
    }
  }
  parts.push(out);
  return parts.join('');
}

export type TextEncodingName = 'utf-8' | 'windows-1252';

export interface DecodedInput {
  encoding: TextEncodingName;
  /** The first decoded characters (at least the first 64 KiB of bytes), for delimiter and header sniffing. */
  sample: string;
  chunks: AsyncGenerator<string>;
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    // `stream: true` tolerates a character cut at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

export async function decodeInput(input: AsyncIterable<Buffer | Uint8Array | string>): Promise<DecodedInput> {
  const iterator = input[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : Buffer.from(next.value);
    head.push(chunk);
    size += chunk.length;
  }
  const headBytes = Buffer.concat(head);
  const encoding: TextEncodingName = isUtf8(headBytes) ? 'utf-8' : 'windows-1252';
  const utf8 = new TextDecoder('utf-8', { ignoreBOM: false });
  const decode = (bytes: Uint8Array, stream: boolean) =>
    encoding === 'utf-8' ? utf8.decode(bytes, { stream }) : decodeCp1252(bytes);
  const sample = decode(headBytes, !done);

  async function* chunks(): AsyncGenerator<string> {
    if (sample) yield sample;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value;
      const text = decode(chunk, true);
      if (text) yield text;
    }
    if (encoding === 'utf-8') {
      const tail = utf8.decode();
      if (tail) yield tail;
    }
  }
  return { encoding, sample, chunks: chunks() };
}

const CANDIDATES = [',', ';', '\t', '|'];

/** Picks the delimiter that splits the first lines into the same, largest number of fields (quotes respected). */
export function sniffDelimiter(sample: string): string {
  const text = sample.replace(/^\uFEFF/, '');
  let best = ',';
  let bestScore = -1;
  for (const delimiter of CANDIDATES) {
    const counts: number[] = [];
    let count = 0;
    let quoted = false;
    for (let i = 0; i < text.length && counts.length < 20; i++) {
      const char = text[i];
      if (char === '"') quoted = !quoted;
      else if (!quoted && char === delimiter) count++;
      else if (!quoted && char === '\n') {
        if (count > 0 || counts.length === 0) counts.push(count);
        count = 0;
      }
    }
    if (count > 0) counts.push(count);
    const header = counts[0] ?? 0;
    if (header === 0) continue;
    const consistent = counts.filter((c) => c === header).length;
    const score = consistent * 1000 + header;
    if (score > bestScore) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
}

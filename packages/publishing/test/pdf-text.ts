/**
 * Reads the text of an uncompressed pdfkit PDF. Embedded TrueType fonts write glyph ids, so the
 * text is decoded through each font's ToUnicode map; we decode with every map and keep the
 * readings, since a phrase is set in one font.
 */
export function pdfTexts(pdf: Buffer): string[] {
  const source = pdf.toString('latin1');
  const maps: Map<number, string>[] = [];
  for (const block of source.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    const map = new Map<number, string>();
    for (const range of (block[1] ?? '').matchAll(/<([0-9a-f]+)>\s*<([0-9a-f]+)>\s*\[([^\]]*)\]/gi)) {
      const start = Number.parseInt(range[1] ?? '0', 16);
      // a ligature glyph maps to several characters: <0066 0066 0069> is "ffi"
      const targets = [...(range[3] ?? '').matchAll(/<([0-9a-f\s]+)>/gi)].map((m) => (m[1] ?? '').replace(/\s+/g, ''));
      targets.forEach((hex, i) => {
        let text = '';
        for (let j = 0; j < hex.length; j += 4) text += String.fromCharCode(Number.parseInt(hex.slice(j, j + 4), 16));
        map.set(start + i, text);
      });
    }
    maps.push(map);
  }
  const lines = [...source.matchAll(/\[([^\]]*)\]\s*TJ/g)].map((m) =>
    [...(m[1] ?? '').matchAll(/<([0-9a-f]*)>/gi)].map((h) => h[1] ?? ''),
  );
  if (maps.length === 0) {
    // Standard fonts: hex bytes are Windows-1252 codes.
    return [
      lines
        .map((parts) => Buffer.from(parts.join(''), 'hex').toString('latin1'))
        .join(' ')
        .replace(/\s+/g, ' '),
    ];
  }
  return maps.map((map) =>
    lines
      .map((parts) => {
        const hex = parts.join('');
        let text = '';
        for (let i = 0; i < hex.length; i += 4) text += map.get(Number.parseInt(hex.slice(i, i + 4), 16)) ?? '';
        return text;
      })
      .join(' ')
      .replace(/\s+/g, ' '),
  );
}

export function pdfContains(pdf: Buffer, phrase: string): boolean {
  return pdfTexts(pdf).some((text) => text.includes(phrase));
}

export function pdfPageCount(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type \/Page\b/g)?.length ?? 0;
}

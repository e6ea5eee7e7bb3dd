const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  pound: '£',
  euro: '€',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  middot: '·',
  bull: '•',
  laquo: '«',
  raquo: '»',
  times: '×',
  frac12: '½',
  eacute: 'é',
  egrave: 'è',
  aacute: 'á',
  agrave: 'à',
  acirc: 'â',
  ecirc: 'ê',
  icirc: 'î',
  ocirc: 'ô',
  ucirc: 'û',
  wcirc: 'ŵ',
  ycirc: 'ŷ',
  uuml: 'ü',
  ouml: 'ö',
  auml: 'ä',
  iuml: 'ï',
  euml: 'ë',
  ccedil: 'ç',
  ntilde: 'ñ',
  szlig: 'ß',
  shy: '',
  zwj: '\u200d',
  zwnj: '\u200c',
};

const ENTITY_RE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]{1,31}));?/g;

function codePointToString(cp: number): string {
  if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(cp);
}

/** Decodes HTML character references (numeric and the common named ones); unknown names stay as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(
    ENTITY_RE,
    (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
      if (dec !== undefined) return codePointToString(Number.parseInt(dec, 10));
      if (hex !== undefined) return codePointToString(Number.parseInt(hex, 16));
      const named = name === undefined ? undefined : (NAMED_ENTITIES[name] ?? NAMED_ENTITIES[name.toLowerCase()]);
      return named ?? whole;
    },
  );
}

const DROP_BLOCKS_RE =
  /<(script|style|noscript|template|head|svg)\b[^>]*>[\s\S]*?<\/\1\s*>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/gi;
const BREAK_TAG_RE =
  /<(\/?)(br|p|div|li|ul|ol|tr|h[1-6]|blockquote|section|article|header|footer|table|pre|hr|dt|dd)\b[^>]*>/gi;
const CELL_TAG_RE = /<\/?t[dh]\b[^>]*>/gi;
const ANY_TAG_RE = /<\/?[a-zA-Z][^>]*>|<![^>]*>/g;

/** Turns an HTML fragment (social post, email body) into readable plain text. */
export function htmlToText(html: string): string {
  let t = html.replace(DROP_BLOCKS_RE, ' ');
  t = t.replace(BREAK_TAG_RE, (_m, close: string, tag: string) => {
    const name = tag.toLowerCase();
    if (name === 'br' || name === 'hr') return '\n';
    if (name === 'li') return close ? '\n' : '\n- ';
    return name === 'p' || name.startsWith('h') || name === 'blockquote' ? '\n\n' : '\n';
  });
  t = t.replace(CELL_TAG_RE, ' ');
  t = t.replace(ANY_TAG_RE, '');
  return decodeEntities(t);
}

// C0/C1 controls except \t and \n, plus zero-width and BOM characters that only hide text.
const CONTROL_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B\u2060\uFEFF]/g;
// runs of horizontal space that need rewriting: two or more characters, or one that is not a plain space (a
// lone space, nearly every match otherwise, is left alone without a call per space)
const HSPACE_RE =
  /[ \t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]{2,}|[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;
const NON_ASCII_RE = /[^\x00-\x7F]/;

/**
 * Canonical text for analysis: Unicode NFC, HTML to text when `html`, CRLF to LF, control characters removed
 * (tab and newline kept as whitespace), runs of spaces collapsed, at most one blank line, trimmed.
 */
export function normalise(text: string, opts?: { html?: boolean }): string {
  let t = opts?.html ? htmlToText(text) : text;
  if (NON_ASCII_RE.test(t)) t = t.normalize('NFC');
  if (t.includes('\r')) t = t.replace(/\r\n?/g, '\n');
  t = t.replace(CONTROL_RE, '');
  t = t.replace(HSPACE_RE, (run) => (run === '\t' ? '\t' : ' '));
  if (t.includes('\n')) {
    t = t.replace(/[ \t]*\n[ \t]*/g, '\n').replace(/\n{3,}/g, '\n\n');
  }
  return t.trim();
}

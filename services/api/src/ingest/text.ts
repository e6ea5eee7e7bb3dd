import { createHash } from 'node:crypto';
import { convert } from 'html-to-text';

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
  selector,
  options: { uppercase: false },
}));

/** HTML → readable plain text: entities decoded, links kept as their visible text, images and scripts dropped. */
export function htmlToPlainText(html: string): string {
  const text = convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
      ...HEADINGS,
    ],
  });
  return cleanText(text);
}

/** Line endings to LF, NFC, trailing spaces and runs of blank lines removed. */
export function cleanText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/g, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function looksLikeHtml(text: string): boolean {
  return /<\/?(p|div|br|span|a|b|strong|em|i|ul|ol|li|html|body|table)\b[^>]*>/i.test(text);
}

/** Ids longer than the schema allows (200) are replaced by a stable digest rather than cut. */
export function boundedId(id: string, max = 200): string {
  return id.length <= max ? id : `sha256:${createHash('sha256').update(id).digest('hex')}`;
}

/** "Subject\n\nbody", without repeating a subject the body already starts with. */
export function joinSubject(subject: string | undefined, body: string | undefined): string {
  const cleanBody = body ? cleanText(body) : '';
  const cleanSubject = subject ? cleanText(subject) : '';
  if (!cleanSubject) return cleanBody;
  if (!cleanBody || cleanBody.startsWith(cleanSubject)) return cleanBody || cleanSubject;
  return `${cleanSubject}\n\n${cleanBody}`;
}

import { describe, expect, it } from 'vitest';
import { htmlToText, normalise } from '../src/normalise.ts';

describe('normalise', () => {
  it('composes decomposed Unicode to NFC', () => {
    expect(normalise('Parc y D\u0077\u0302r')).toBe('Parc y Dŵr');
  });

  it('removes control characters but keeps newlines and tabs', () => {
    expect(normalise('a\u0000b\u0007c\u200bd\nnext\tcol')).toBe('abcd\nnext\tcol');
  });

  it('turns CRLF into LF and collapses blank lines', () => {
    expect(normalise('one\r\n\r\n\r\n\r\ntwo\rthree')).toBe('one\n\ntwo\nthree');
  });

  it('collapses runs of spaces and trims', () => {
    expect(normalise('   too    many\u00a0\u00a0 spaces   ')).toBe('too many spaces');
  });

  it('leaves HTML alone unless asked', () => {
    expect(normalise('<b>5 &gt; 3</b>')).toBe('<b>5 &gt; 3</b>');
  });

  it('converts HTML to readable text: entities, line breaks, paragraphs, dropped scripts and styles', () => {
    const html =
      '<html><head><style>p{color:red}</style></head><body><p>Hello&nbsp;&amp; welcome</p>' +
      '<script>alert("x")</script><p>Line one<br>Line two &#8211; &#x2019;ok&rsquo;</p><!-- note --></body></html>';
    expect(normalise(html, { html: true })).toBe('Hello & welcome\n\nLine one\nLine two – ’ok’');
  });

  it('renders list items on their own lines', () => {
    expect(htmlToText('<ul><li>one</li><li>two</li></ul>').trim()).toBe('- one\n\n- two');
  });

  it('keeps unknown entities as written', () => {
    expect(normalise('a &madeup; b', { html: true })).toBe('a &madeup; b');
  });

  it('returns an empty string for empty or whitespace-only input', () => {
    expect(normalise('')).toBe('');
    expect(normalise(' \n\t ')).toBe('');
  });
});

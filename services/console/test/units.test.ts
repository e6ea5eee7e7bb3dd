import { describe, expect, test } from 'vitest';
import { parseDay, percent } from '../src/forms.ts';
import { highlightPii } from '../src/pages/feedback-item.ts';
import { phrases } from '../src/pages/themes.ts';
import { csrfMatches, csrfTokenFor } from '../src/session.ts';

describe('console helpers', () => {
  test('parseDay reads dd/mm/yyyy as staff type it, and ISO, and refuses impossible dates', () => {
    expect(parseDay('03/02/2026')).toBe('2026-02-03');
    expect(parseDay('3/2/26')).toBe('2026-02-03');
    expect(parseDay('03-02-2026')).toBe('2026-02-03');
    expect(parseDay('03.02.2026')).toBe('2026-02-03');
    expect(parseDay('2026-02-03')).toBe('2026-02-03');
    expect(parseDay('29/02/2024')).toBe('2024-02-29');
    for (const bad of [
      '29/02/2026',
      '31/04/2026',
      '00/01/2026',
      '13/13/2026',
      'tomorrow',
      '',
      '1/1/1800',
      '2026/02/03',
    ]) {
      expect(parseDay(bad), bad).toBeNull();
    }
  });

  test('theme rule phrases: one per line or comma, trimmed, lower-cased, de-duplicated', () => {
    expect(phrases('Car park\n  parking   permit ,car park\n\n,Blue Badge')).toEqual([
      'car park',
      'parking permit',
      'blue badge',
    ]);
    expect(phrases(' \n , ')).toEqual([]);
  });

  test('PII highlighting marks each span, names its type and escapes the text around it', () => {
    const text = '<b>Ring</b> 07700 900123 now';
    const out = highlightPii(text, [{ start: 12, end: 24, type: 'phone' }]).toString();
    expect(out).toBe(
      '&lt;b&gt;Ring&lt;/b&gt; <mark class="pii" title="phone number">07700 900123</mark><span class="visually-hidden"> (phone number)</span> now',
    );
  });

  test('the CSRF token is tied to the session token and compared whole', () => {
    const token = csrfTokenFor('session-a');
    expect(token).not.toBe(csrfTokenFor('session-b'));
    expect(csrfMatches(token, token)).toBe(true);
    expect(csrfMatches(token, token.slice(0, -1))).toBe(false);
    expect(csrfMatches(token, undefined)).toBe(false);
    expect(csrfMatches(token, [token])).toBe(false);
  });

  test('percent shows unknown ratios as a dash', () => {
    expect(percent(0.1234, 1)).toBe('12.3%');
    expect(percent(null)).toBe('—');
    expect(percent(Number.NaN)).toBe('—');
  });
});

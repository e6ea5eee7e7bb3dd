/**
 * Brand colours made safe: the organisation picks one colour, and we derive text and link
 * colours from it that meet WCAG 2.2 AA contrast (4.5:1) whatever colour was picked.
 */

export const DEFAULT_BRAND = '#1d4f91';
const TEXT = '#0b0c0c';
const WHITE = '#ffffff';

type Rgb = [number, number, number];

export function parseHex(colour: string | null | undefined): string | null {
  if (!colour) return null;
  const match = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i.exec(colour.trim());
  if (!match?.[1]) return null;
  const hex = match[1].length === 3 ? [...match[1]].map((c) => c + c).join('') : match[1];
  return `#${hex.toLowerCase()}`;
}

function toRgb(hex: string): Rgb {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b]
    .map((v) =>
      Math.round(Math.min(255, Math.max(0, v)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

function luminance(hex: string): number {
  const [r, g, b] = toRgb(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Mixes `hex` towards `target` by `amount` (0..1). */
function mix(hex: string, target: string, amount: number): string {
  const a = toRgb(hex);
  const b = toRgb(target);
  return toHex([0, 1, 2].map((i) => (a[i] ?? 0) + ((b[i] ?? 0) - (a[i] ?? 0)) * amount) as Rgb);
}

/** Darkens until the colour reaches `ratio` against `background`. */
function darkenUntil(hex: string, background: string, ratio: number): string {
  let colour = hex;
  for (let step = 0; step < 40 && contrast(colour, background) < ratio; step++) colour = mix(colour, '#000000', 0.06);
  return colour;
}

export interface Palette {
  /** Header and accents: the organisation's colour (darkened only if no text colour reads on it). */
  brand: string;
  /** Text on `brand`: white or near-black, whichever reads better. */
  onBrand: string;
  /** Links and buttons: the brand colour darkened until it reads on white and on `tint`. */
  accent: string;
  accentDark: string;
  /** A very light brand tint for panels. */
  tint: string;
  /** A light brand tint for rules and quote borders. */
  soft: string;
}

export function palette(primaryColour: string | null | undefined): Palette {
  const picked = parseHex(primaryColour) ?? DEFAULT_BRAND;
  // Mid-tones read poorly with both white and black text: darken those until white text passes.
  const brand =
    Math.max(contrast(WHITE, picked), contrast(TEXT, picked)) >= 4.5 ? picked : darkenUntil(picked, WHITE, 4.5);
  const onBrand = contrast(WHITE, brand) >= contrast(TEXT, brand) ? WHITE : TEXT;
  const tint = mix(brand, WHITE, 0.93);
  const accent = darkenUntil(brand, tint, 4.5);
  return { brand, onBrand, accent, accentDark: mix(accent, '#000000', 0.25), tint, soft: mix(brand, WHITE, 0.7) };
}

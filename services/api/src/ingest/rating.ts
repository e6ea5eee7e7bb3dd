/**
 * Ratings are stored on a 1–5 scale. A value on another scale (0–10 opinion scale, 1–10, good/bad)
 * is mapped linearly and rounded; callers keep the raw value and scale in the channel details.
 */
export function normaliseRating(value: number, min: number, max: number): number | undefined {
  if (!Number.isFinite(value) || max <= min || value < min || value > max) return undefined;
  if (min === 1 && max === 5) return Math.round(value);
  const scaled = 1 + ((value - min) * 4) / (max - min);
  return Math.min(5, Math.max(1, Math.round(scaled)));
}

const LIKERT: Record<string, number> = {
  'very dissatisfied': 1,
  'extremely dissatisfied': 1,
  dissatisfied: 2,
  'somewhat dissatisfied': 2,
  'neither satisfied nor dissatisfied': 3,
  neutral: 3,
  'somewhat satisfied': 4,
  satisfied: 4,
  'very satisfied': 5,
  'extremely satisfied': 5,
  'very poor': 1,
  poor: 2,
  fair: 3,
  average: 3,
  good: 4,
  'very good': 5,
  excellent: 5,
  'strongly disagree': 1,
  disagree: 2,
  'neither agree nor disagree': 3,
  agree: 4,
  'strongly agree': 5,
};

export type RatingParse = { ok: true; value?: number; raw?: number; scale?: number } | { ok: false; reason: string };

/**
 * A rating cell as people type it: `4`, ` 2 `, `3/5`, `4 out of 5`, `8/10`, or a five-point label
 * ("Dissatisfied"). Blank → no rating. Out of range → an error the importer reports.
 */
export function parseRatingText(cell: string, scale = 5, labels: Record<string, number> = LIKERT): RatingParse {
  const text = cell.trim().toLowerCase();
  if (text === '') return { ok: true };
  const labelled = labels[text.replace(/\s+/g, ' ')];
  if (labelled !== undefined) return { ok: true, value: labelled, raw: labelled, scale: 5 };
  const fraction = /^(\d+(?:[.,]\d+)?)\s*(?:\/|out of|allan o)\s*(\d+)$/.exec(text);
  const plain = /^(\d+(?:[.,]\d+)?)(?:\s*stars?)?$/.exec(text);
  const rawText = fraction?.[1] ?? plain?.[1];
  if (rawText === undefined) return { ok: false, reason: `rating '${cell.trim()}' is not a number` };
  const raw = Number(rawText.replace(',', '.'));
  const max = fraction?.[2] ? Number(fraction[2]) : scale;
  // Ten-point and longer scales usually start at 0 (NPS, opinion scales); shorter ones at 1.
  const value = normaliseRating(raw, max >= 10 ? 0 : 1, max);
  if (value === undefined) return { ok: false, reason: `rating '${cell.trim()}' is outside the 1–${max} scale` };
  return { ok: true, value, raw, scale: max };
}

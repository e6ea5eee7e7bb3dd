import { detectLanguage } from './language.ts';
import { compileRules } from './rules.ts';
import type { ThemeDef } from './taxonomy.ts';
import { isNegator, stemWord, tokenise, welshRadicals } from './tokenise.ts';

export interface EmergingTopic {
  /** the term as people wrote it most often (a word or a two-word phrase) */
  term: string;
  /** log2 of the rise in document rate, recent vs baseline, times √count: higher = more clearly emerging */
  score: number;
  /** recent items mentioning it */
  count: number;
  exampleIds: string[];
  /**
   * other rising terms of the same recent items (most of the items of one mention the other): one topic, not
   * several ("supplier" with "refund" and "fined" when the same complaints use them), best first
   */
  related: string[];
}

/** A feedback item for emerging-topic detection: `language` (ISO 639-1), when known, spares detecting it again. */
export interface EmergingItem {
  id: string;
  text: string;
  language?: string | null;
}

export interface EmergingOptions {
  /** recent items a term needs; default 3 */
  minCount?: number;
  /** smallest rise in document rate (recent / baseline, smoothed); default 3 */
  minRatio?: number;
  /**
   * share of the smaller term's recent items that must also mention the other for two terms to be one topic
   * (and at least a quarter of the larger one's); default 0.6
   */
  minOverlap?: number;
  maxTopics?: number;
  maxExamples?: number;
}

const STOPWORDS = new Set(
  (
    'a an the and or but if then so to of in on at by for with from as is are was were be been being am it its ' +
    'this that these those there here i me my we our you your he she him her they them their what which who whom ' +
    'when where why how all any both each few more most other some such only own same than too very can will ' +
    'just should now do does did done have has had having would could also get got go went about into over after ' +
    'before again further once up down out off under until while during through because very really much many ' +
    'thing things one two im ive dont didnt its lot lots yes ok okay please thank thanks still even back well ' +
    // contractions as the tokeniser joins them, and everyday words of time and age that rise with any busy week
    'theres thats whats wheres whos hes shes youve weve theyve youre theyre youll theyll hed shed theyd lets ' +
    'morning afternoon evening night today yesterday tomorrow week weeks month months year years day days ' +
    'time times new old last next ago always never every ' +
    // common verbs: a topic is named by what it is about ("ticket machine"), not by "took" or "left"
    'took take takes taking gets getting made make makes making left leave leaving goes going came come comes ' +
    'coming said say says saying told tell put gave give given keep kept found find see saw seen tried try ' +
    'trying use used using need needed needs want wanted like liked think thought know knew asked ask ' +
    'yr y a ac i o yn ar am gan ei eu ni chi fe hi nhw mae oedd bod wedi yw roedd hefyd ond neu ' +
    // more Welsh function words (with their common mutated forms), so a rise in Welsh feedback is not a "topic"
    'iawn gyda efo mwy fwy bob pob pan fy dy wrth dros yma yno hwn hon hyn hynny sydd oes does fod fydd bydd ' +
    'byddai gallu allu angen eisiau llawer lawer tro pawb rhaid ble beth pam sut pwy dyma dyna ydy ydw ydyn rwy ' +
    'rydw roeddwn dwi dw gallai dylai felly achos oherwydd ers tan cael gael gwneud wneud mynd dod mewn ein eich ' +
    'nhw nid nad nag rhy dim ddim byth erioed eto nawr rwan rŵan heddiw ddoe diolch fawr newydd hen unig gwbl ' +
    'bore prynhawn nos wythnos mis blwyddyn diwrnod amser'
  ).split(' '),
);

function candidate(word: string): boolean {
  return word.length >= 3 && !STOPWORDS.has(word) && !isNegator(word) && !/^\d+$/.test(word);
}

interface TermStats {
  recent: number;
  baseline: number;
  surfaces: Map<string, number>;
  examples: string[];
  stems: string[];
  /** indexes of the recent items mentioning it */
  items: number[];
}

/**
 * Terms and two-word phrases whose share of items rose in `recent` compared with `baseline` and that no
 * theme's include/force rule mentions: candidates for a new theme, each with example item ids.
 */
export function detectEmergingTopics(
  recent: EmergingItem[],
  baseline: EmergingItem[],
  taxonomy: ThemeDef[],
  opts: EmergingOptions = {},
): EmergingTopic[] {
  const minCount = opts.minCount ?? 3;
  const minRatio = opts.minRatio ?? 3;
  const maxExamples = opts.maxExamples ?? 5;
  const covered = compileRules(taxonomy).coveredStems;
  const stats = new Map<string, TermStats>();
  // Each item tokenised once; Welsh items also counted word by word, so a mutated form can be read as the form of
  // the word the feedback itself uses ("ddigwyddiadau" and "digwyddiadau" are one term).
  const read = (items: EmergingItem[]) =>
    items.map((item) => {
      const text = String(item.text ?? '').slice(0, 20_000);
      // the language the pipeline stored, where the caller has it; else detected here
      const language = typeof item.language === 'string' ? item.language : detectLanguage(text).code;
      return { id: item.id, text, tokens: tokenise(text), welsh: language === 'cy' };
    });
  const recentRead = read(recent);
  const baselineRead = read(baseline);
  const welshWords = new Map<string, number>();
  for (const item of [...recentRead, ...baselineRead])
    if (item.welsh) for (const t of item.tokens) welshWords.set(t.word, (welshWords.get(t.word) ?? 0) + 1);
  const welshStem = new Map<string, string>();
  /** In Welsh: a covered radical's stem ("wefan" → gwefan, covered by a rule), else the most used radical's. */
  const welshStemOf = (word: string, stem: string): string => {
    const known = welshStem.get(word);
    if (known !== undefined) return known;
    let out = stem;
    if (!covered.has(stem)) {
      let best = 0;
      for (const radical of welshRadicals(word)) {
        const s = stemWord(radical);
        if (covered.has(s)) {
          out = s;
          break;
        }
        const n = welshWords.get(radical) ?? 0;
        if (n > best) {
          best = n;
          out = s;
        }
      }
    }
    welshStem.set(word, out);
    return out;
  };
  const count = (items: ReturnType<typeof read>, isRecent: boolean) => {
    for (let index = 0; index < items.length; index++) {
      const { id, text, tokens, welsh } = items[index]!;
      const stemOf = (word: string, stem: string): string => (welsh ? welshStemOf(word, stem) : stem);
      const seen = new Set<string>();
      const note = (key: string, surface: string, stems: string[]) => {
        if (seen.has(key)) return;
        seen.add(key);
        let s = stats.get(key);
        if (!s) {
          s = { recent: 0, baseline: 0, surfaces: new Map(), examples: [], stems, items: [] };
          stats.set(key, s);
        }
        if (isRecent) {
          s.recent++;
          s.items.push(index);
          s.surfaces.set(surface, (s.surfaces.get(surface) ?? 0) + 1);
          if (s.examples.length < maxExamples) s.examples.push(id);
        } else s.baseline++;
      };
      for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i]!;
        if (!candidate(t.word)) continue;
        const stem = stemOf(t.word, t.stem);
        note(stem, t.word, [stem]);
        const next = tokens[i + 1];
        // a phrase is two words in a row, not across punctuation ("coins, round")
        if (next && candidate(next.word) && onlySpaceBetween(text, t.end, next.start)) {
          const nextStem = stemOf(next.word, next.stem);
          note(`${stem} ${nextStem}`, `${t.word} ${next.word}`, [stem, nextStem]);
        }
      }
    }
  };
  count(recentRead, true);
  count(baselineRead, false);
  const R = recent.length;
  const B = baseline.length;
  const found: (EmergingTopic & { stems: string[]; items: number[] })[] = [];
  for (const s of stats.values()) {
    if (s.recent < minCount) continue;
    if (s.stems.some((stem) => covered.has(stem))) continue;
    const ratio = (s.recent + 0.5) / (R + 1) / ((s.baseline + 0.5) / (B + 1));
    if (ratio < minRatio) continue;
    const term = [...s.surfaces.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    found.push({
      term,
      score: Math.log2(ratio) * Math.sqrt(s.recent),
      count: s.recent,
      exampleIds: s.examples,
      related: [],
      stems: s.stems,
      items: s.items,
    });
  }
  found.sort(
    (a, b) =>
      b.score - a.score ||
      b.count - a.count ||
      b.stems.length - a.stems.length ||
      b.term.length - a.term.length ||
      a.term.localeCompare(b.term),
  );
  // A word that mostly appears inside a rising phrase is the same topic: keep the phrase only.
  const phrases = found.filter((f) => f.stems.length > 1);
  const result = found.filter(
    (f) => f.stems.length > 1 || !phrases.some((p) => p.stems.includes(f.stems[0]!) && p.count * 1.25 >= f.count),
  );
  // Terms that mostly share their items are one topic: each joins the best-scoring topic it overlaps. Once
  // maxTopics topics stand, the rest can only join one (so a large window costs terms × maxTopics overlaps).
  const minOverlap = opts.minOverlap ?? 0.6;
  const maxTopics = opts.maxTopics ?? 20;
  const topics: (typeof found)[number][] = [];
  for (const f of result) {
    const same = (t: (typeof found)[number]) => sameStory(t.items, f.items, minOverlap);
    const head = topics.find((t) => t.related.length < 5 && same(t));
    if (head) head.related.push(f.term);
    else if (topics.length < maxTopics && !topics.some(same)) topics.push(f);
  }
  return topics.map(({ stems: _stems, items: _items, ...topic }) => topic);
}

function onlySpaceBetween(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 0xa0) return false;
  }
  return true;
}

/**
 * Two terms tell one story when `minOverlap` of the smaller one's items mention the larger one and those are at
 * least a quarter of the larger one's (a rare word that happens to sit beside a common one is not its story).
 * Both are ascending lists of item indexes.
 */
function sameStory(a: number[], b: number[], minOverlap: number): boolean {
  let i = 0;
  let j = 0;
  let both = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      both++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return both >= minOverlap * Math.min(a.length, b.length) && both >= 0.25 * Math.max(a.length, b.length);
}

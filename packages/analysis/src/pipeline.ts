import { decideLabels, explainLabels, needsEmbeddings, scoreTokens, type ThemeModel } from './classifier.ts';
import { checkEmbeddings, type WordEmbeddings } from './embeddings.ts';
import { detectLanguage } from './language.ts';
import { normalise } from './normalise.ts';
import { detectPii, type PiiSpan, redactPii } from './pii.ts';
import { compileRules, matchRules } from './rules.ts';
import { analyseSentiment, type SentimentClass, type SentimentModel } from './sentiment.ts';
import type { ThemeDef } from './taxonomy.ts';
import { type Token, tokenise } from './tokenise.ts';

export interface AnalysisInput {
  id?: string;
  text: string;
  question?: string | null;
  channel?: string;
  html?: boolean;
}

export interface ThemeHit {
  key: string;
  name: string;
  confidence: number;
  source: 'rule' | 'model';
  /** words of the text that drove the theme (rule phrases matched, or the model's strongest words) */
  terms: string[];
}

export interface AnalysisResult {
  language: string;
  languageConfidence: number;
  normalised: string;
  redacted: string;
  pii: PiiSpan[];
  sentiment: { score: number; class: SentimentClass };
  themes: ThemeHit[];
  needsTriage: boolean;
  /** true when the text was longer than `maxChars` and only its start was analysed */
  truncated: boolean;
  /** set when a stage failed on this input; the other fields then hold what could be computed */
  error?: string;
}

export interface AnalyserOptions {
  taxonomy: ThemeDef[];
  themeModel?: ThemeModel | null;
  sentimentModel?: SentimentModel | null;
  /** the word-embedding table the models were trained with, when they use one (checked here, at creation) */
  embeddings?: WordEmbeddings | null;
  /** best theme confidence below this sends the item to triage; default 0.5 */
  triageThreshold?: number;
  /** characters analysed per item; default 20,000 */
  maxChars?: number;
  /** a rule-only match is dropped when the model gives the theme less than this probability; default 0.05 */
  modelVetoBelow?: number;
}

export interface Analyser {
  analyse(input: AnalysisInput): AnalysisResult;
  analyseBatch(inputs: AnalysisInput[]): AnalysisResult[];
}

function ruleConfidence(terms: number): number {
  return Math.min(0.9, 0.6 + 0.1 * (terms - 1));
}

/**
 * Builds the text pipeline for one organisation: normalise → cap length → language → PII → sentiment → themes.
 *
 * How rules and the model combine, per theme:
 * - the model tags a theme when its probability passes the label's tuned threshold (source 'model');
 * - an include rule match tags it too (source 'rule', confidence 0.6 + 0.1 per extra matched phrase, at most
 *   0.9), unless the model knows the theme and gives it less than `modelVetoBelow` (the model is confident it
 *   is absent); when both fire, the higher confidence decides the source and the terms are merged;
 * - a force rule always tags it (confidence at least 0.95); an exclude (veto) rule always removes it.
 * - negated phrases ("not dirty", "no problem with parking") do not fire include, force or exclude rules.
 */
export function createAnalyser(opts: AnalyserOptions): Analyser {
  const taxonomy = opts.taxonomy;
  const rules = compileRules(taxonomy);
  const byKey = new Map(taxonomy.map((t) => [t.key, t]));
  const byName = new Map(taxonomy.map((t) => [t.name, t]));
  const themeModel = opts.themeModel ?? null;
  const embeddings = opts.embeddings ?? null;
  // a model trained with embeddings refuses a missing or different table now, not on every item
  for (const model of [themeModel, opts.sentimentModel?.model]) {
    const ref = model ? needsEmbeddings(model) : null;
    if (ref) checkEmbeddings(ref, embeddings);
  }
  const triageThreshold = opts.triageThreshold ?? 0.5;
  const maxChars = opts.maxChars ?? 20_000;
  const vetoBelow = opts.modelVetoBelow ?? 0.05;
  // model label → theme (labels may be theme keys or theme names)
  const labelTheme = (themeModel?.labels ?? []).map((label) => byKey.get(label) ?? byName.get(label) ?? null);
  const labelIndexOfKey = new Map<string, number>();
  labelTheme.forEach((t, l) => {
    if (t) labelIndexOfKey.set(t.key, l);
  });

  function themesOf(tokens: Token[], question: string | null | undefined, welsh: boolean): ThemeHit[] {
    const hits = new Map<string, ThemeHit>();
    let probs: Float64Array | null = null;
    if (themeModel) {
      const scored = scoreTokens(themeModel, tokens, question, embeddings);
      probs = scored;
      const labels = decideLabels(themeModel, scored);
      const terms = explainLabels(themeModel, labels, tokens);
      labels.forEach((label, k) => {
        const l = themeModel.labels.indexOf(label);
        const theme = labelTheme[l];
        const key = theme?.key ?? label;
        hits.set(key, {
          key,
          name: theme?.name ?? label,
          confidence: scored[l]!,
          source: 'model',
          terms: terms[k]!,
        });
      });
    }
    const vetoed = new Set<string>();
    for (const match of matchRules(rules, tokens, { welsh })) {
      if (match.vetoed) {
        vetoed.add(match.key);
        continue;
      }
      if (match.terms.length === 0) continue;
      const l = labelIndexOfKey.get(match.key);
      const p = probs && l !== undefined ? probs[l]! : null;
      if (!match.forced && p !== null && p < vetoBelow) continue;
      const confidence = match.forced ? Math.max(0.95, p ?? 0) : ruleConfidence(match.terms.length);
      const existing = hits.get(match.key);
      const theme = byKey.get(match.key);
      if (!existing) {
        hits.set(match.key, {
          key: match.key,
          name: theme?.name ?? match.key,
          confidence,
          source: 'rule',
          terms: match.terms,
        });
      } else {
        const terms = [...new Set([...match.terms, ...existing.terms])];
        if (confidence > existing.confidence) hits.set(match.key, { ...existing, confidence, source: 'rule', terms });
        else existing.terms = terms;
      }
    }
    for (const key of vetoed) hits.delete(key);
    return [...hits.values()].sort((a, b) => b.confidence - a.confidence);
  }

  function analyse(input: AnalysisInput): AnalysisResult {
    const result: AnalysisResult = {
      language: 'und',
      languageConfidence: 0,
      normalised: '',
      redacted: '',
      pii: [],
      sentiment: { score: 0, class: 'neutral' },
      themes: [],
      needsTriage: true,
      truncated: false,
    };
    try {
      const raw = typeof input?.text === 'string' ? input.text : String(input?.text ?? '');
      // HTML shrinks when converted, so allow it more raw input before the cap on the analysed text.
      const rawCap = input?.html ? maxChars * 5 : maxChars * 2;
      let text = normalise(raw.length > rawCap ? raw.slice(0, rawCap) : raw, { html: input?.html === true });
      if (text.length > maxChars || raw.length > rawCap) {
        result.truncated = true;
        text = text.slice(0, maxChars);
        // never cut a surrogate pair in half
        if (/[\ud800-\udbff]$/.test(text)) text = text.slice(0, -1);
      }
      result.normalised = text;
      result.redacted = text;
      const lang = detectLanguage(text);
      result.language = lang.code;
      result.languageConfidence = lang.confidence;
      result.pii = detectPii(text);
      result.redacted = redactPii(text, result.pii);
      const question = typeof input?.question === 'string' ? input.question : null;
      const tokens = tokenise(text);
      result.sentiment = analyseSentiment(tokens, opts.sentimentModel, question, embeddings);
      // in Welsh text, rule words also match their mutated forms ("yn Gymraeg", "ei wefan")
      result.themes = themesOf(tokens, question, lang.code === 'cy');
      const best = result.themes[0]?.confidence ?? 0;
      result.needsTriage = result.themes.length === 0 || best < triageThreshold;
    } catch (err) {
      // Keep the item moving: what was computed stays, the item goes to triage, and the error is visible.
      result.error = err instanceof Error ? err.message : String(err);
      result.needsTriage = true;
    }
    return result;
  }

  return {
    analyse,
    analyseBatch: (inputs) => inputs.map((input) => analyse(input)),
  };
}

import type { Token } from './tokenise.ts';
import { stemWord, welshRadicals } from './tokenise.ts';

function parsePairs(list: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of list.split(/\s+/)) {
    const [word, value] = pair.split(':');
    if (word && value) out[word] = Number(value);
  }
  return out;
}

// A small hand-written valence lexicon (-3 … +3) for feedback about services, in English and some Welsh.
// Keys are words; they are matched on Porter stems so "waited", "waiting" and "waits" share an entry.
// Written as space-separated word:valence pairs so the list stays compact and easy to edit.
const WORDS = parsePairs(
  'excellent:3 outstanding:3 superb:3 brilliant:3 fantastic:3 amazing:3 wonderful:3 exceptional:3 ' +
    'perfect:3 marvellous:3 fabulous:3 incredible:3 faultless:3 first_class:3 ardderchog:3 gwych:3 good:2 ' +
    'great:2.5 lovely:2.5 nice:2 pleasant:2 kind:2 caring:2 helpful:2 friendly:2 polite:2 courteous:2 ' +
    'professional:1.5 efficient:2 quick:1.5 prompt:1.5 fast:1 clean:1.5 comfortable:1.5 happy:2 pleased:2 ' +
    'satisfied:1.5 thank:1.5 thanks:1.5 grateful:2 appreciate:2 appreciated:2 reassuring:2 reassured:2 ' +
    'supportive:2 support:1 attentive:2 compassionate:2.5 respectful:2 understanding:1.5 patient:0 calm:1 ' +
    'easy:1.5 smooth:1.5 best:2.5 better:1 well:1 love:2.5 loved:2.5 enjoy:2 enjoyed:2 recommend:2 ' +
    'impressed:2 informative:1.5 clear:1 thorough:1.5 welcoming:2 welcome:1.5 safe:1.5 positive:1.5 ' +
    'fine:1 ok:0.5 okay:0.5 reasonable:0.5 brill:2.5 lush:2 cheerful:2 gentle:2 listened:1.5 ' +
    'delighted:2.5 glad:1.5 tasty:2 delicious:2.5 fresh:1 cosy:1.5 cozy:1.5 beautiful:2 awesome:3 fab:2.5 ' +
    'spotless:2.5 bad:-2 poor:-2 rude:-2.5 unhelpful:-2 ' +
    'slow:-1.5 late:-1.5 delay:-1.5 delayed:-1.5 dirty:-2 wait:-0.5 waiting:-0.5 waited:-0.5 long:-0.5 ' +
    'problem:-1.5 problems:-1.5 issue:-1 issues:-1 difficult:-1.5 hard:-1 unable:-1 cancelled:-1.5 ' +
    'cancel:-1 lost:-1.5 wrong:-2 mistake:-2 error:-1.5 confusing:-1.5 confused:-1.5 unclear:-1.5 ' +
    'lack:-1.5 lacking:-1.5 ignored:-2.5 dismissive:-2.5 unprofessional:-2.5 disappointed:-2 ' +
    'disappointing:-2 frustrating:-2 frustrated:-2 annoyed:-2 angry:-2.5 upset:-2 worried:-1.5 ' +
    'anxious:-1.5 scared:-1.5 unsafe:-2 pain:-1.5 painful:-1.5 cold:-1 noisy:-1.5 noise:-1 smelly:-2 ' +
    'broken:-2 complaint:-1.5 complain:-1.5 rushed:-1.5 uncaring:-2.5 impatient:-2 unfriendly:-2 worse:-2 ' +
    'worst:-3 never:-0.5 shocking:-3 disgusting:-3 disgraceful:-3 appalling:-3 awful:-3 terrible:-3 ' +
    'horrible:-3 dreadful:-3 atrocious:-3 useless:-2.5 pathetic:-2.5 incompetent:-2.5 unacceptable:-2.5 ' +
    'horrendous:-3 neglect:-2.5 neglected:-2.5 abusive:-3 aggressive:-2.5 overcrowded:-1.5 expensive:-1.5 ' +
    'overpriced:-2 bland:-1.5 stale:-1.5 tasteless:-2 mediocre:-1.5 filthy:-2.5 ridiculous:-2 ' +
    'nightmare:-2.5 hate:-2.5 hated:-2.5 sad:-1.5 unhappy:-2 dissatisfied:-2',
);

// Welsh, in dictionary form: a word the lists do not have also counts through the forms it may have had before an
// initial mutation ("yn garedig" → caredig, "yn wael" → gwael, "yn ddrud" → drud), which Welsh puts on every
// adjective after "yn". Only words of four letters or more are read that way ("na", *no*, is not a mutated "da").
const WELSH_WORDS = parsePairs(
  'da:2 dda:2 gwych:3 wych:3 ardderchog:3 rhagorol:3 arbennig:2.5 bendigedig:3 hyfryd:2.5 ffantastig:3 ' +
    'anhygoel:3 perffaith:3 grêt:2.5 gret:2.5 hapus:2 bodlon:1.5 caredig:2 cyfeillgar:2 croesawgar:2 cwrtais:2 ' +
    'cymwynasgar:2 defnyddiol:1.5 proffesiynol:1.5 effeithlon:2 cyflym:1.5 glân:1.5 cyfforddus:1.5 diogel:1.5 ' +
    'diolch:1.5 diolchgar:2 clir:1 hawdd:1.5 cynnes:1.5 gwell:1 gorau:2.5 mwynhau:2 mwynhaodd:2 canmol:2 ' +
    'gwael:-2 drwg:-2 ofnadwy:-3 araf:-1.5 anodd:-1.5 siomedig:-2 siom:-2 anhapus:-2 anfodlon:-2 ' +
    'anghwrtais:-2.5 anghyfeillgar:-2 annerbyniol:-2.5 gwarthus:-3 budr:-2 brwnt:-2 drud:-1.5 peryglus:-2 ' +
    'anniogel:-2 dryslyd:-1.5 problem:-1.5 problemau:-1.5 oer:-1 hwyr:-1.5 oedi:-1.5 trist:-1.5 diflas:-1.5 ' +
    'swnllyd:-1.5 anniben:-1.5 esgeulus:-2.5 amhroffesiynol:-2.5 diamynedd:-2 gwaeth:-2 gwaethaf:-3',
);

// Phrases that read as one sentiment unit, checked on stem bigrams.
const PHRASES: Record<string, number> = {
  'could not fault': 3,
  'cannot fault': 3,
  'couldnt fault': 3,
  'no complaints': 2,
  'nothing to improve': 2,
  'keep it up': 2,
  'well done': 2.5,
  'above and beyond': 3,
  'thank you': 2,
  'too long': -2,
  'waste of time': -2.5,
  'not happy': -2,
  'no one': -1,
  'took ages': -2,
  'on time': 1.5,
  'no problem': 1.5,
  'no problems': 1.5,
};

const INTENSIFIERS = parsePairs(
  'very:1.3 really:1.3 extremely:1.5 so:1.2 absolutely:1.5 totally:1.3 incredibly:1.5 most:1.2 truly:1.3 ' +
    'quite:0.9 fairly:0.8 slightly:0.6 bit:0.7 little:0.8',
);
// Welsh "iawn" (very) follows its adjective ("da iawn", "yn araf iawn"); on its own it means "fine, OK".
const IAWN = 1.3;
const IAWN_ALONE = 0.5;

const stemValence = new Map<string, number>();
for (const [w, v] of Object.entries(WORDS)) {
  const stem = stemWord(w.replace(/_/g, ''));
  if (!stemValence.has(stem)) stemValence.set(stem, v);
}
const welshValence = new Map<string, number>();
for (const [w, v] of Object.entries(WELSH_WORDS)) {
  const stem = stemWord(w);
  if (!stemValence.has(stem)) stemValence.set(stem, v);
  if (!welshValence.has(stem)) welshValence.set(stem, v);
}

/** The valence of a word the lexicon does not have, read as a mutated Welsh word; 0 if none. */
function mutatedValence(word: string): number {
  if (word.length < 4) return 0;
  for (const radical of welshRadicals(word)) {
    const v = welshValence.get(stemWord(radical));
    if (v !== undefined) return v;
  }
  return 0;
}
const phraseValence = new Map<string, { stems: string[]; v: number }>();
for (const [p, v] of Object.entries(PHRASES)) {
  const stems = p.split(' ').map((w) => stemWord(w));
  phraseValence.set(stems[0]!, { stems, v });
}
const intensity = new Map(Object.entries(INTENSIFIERS));

export interface Valence {
  readonly sum: number;
  readonly positive: number;
  readonly negative: number;
}

// The last token array's valence: the pipeline asks twice per text (the lexicon score and the sentiment model's
// lexicon features); token arrays are not changed once made.
let lastTokens: Token[] | null = null;
let lastValence: Valence = { sum: 0, positive: 0, negative: 0 };

/** Valence sum of a tokenised text with negation, intensifiers and "but" contrast; raw, not normalised. */
export function lexiconValence(tokens: Token[]): Valence {
  if (tokens === lastTokens) return lastValence;
  lastValence = computeValence(tokens);
  lastTokens = tokens;
  return lastValence;
}

/** What the lexicon says about one word, kept in the word's memo record (the tables never change). */
interface LexiconWord {
  /** "but", "however", "ond": what follows counts more */
  contrast: boolean;
  /** an intensifier's factor */
  amp: number | undefined;
  /** a phrase starting with this stem */
  phrase: { stems: string[]; v: number } | undefined;
  /** the stem's own valence */
  v: number;
}

function lexiconWord(tok: Token): LexiconWord {
  const info = tok.info;
  if (info !== undefined && info.lexicon !== null) return info.lexicon as LexiconWord;
  const entry: LexiconWord = {
    contrast: tok.word === 'but' || tok.word === 'however' || tok.word === 'ond',
    amp: intensity.get(tok.word),
    phrase: phraseValence.get(tok.stem),
    v: stemValence.get(tok.stem) ?? mutatedValence(tok.word),
  };
  if (info !== undefined) info.lexicon = entry;
  return entry;
}

function computeValence(tokens: Token[]): Valence {
  let sum = 0;
  let positive = 0;
  let negative = 0;
  let boost = 1;
  let clauseWeight = 1;
  // the valence the previous word added (for a following "iawn")
  let previous = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.word === 'iawn') {
      const v = previous !== 0 ? previous * (IAWN - 1) : IAWN_ALONE * clauseWeight * (tok.negated ? -0.75 : 1);
      sum += v;
      if (v > 0) positive += v;
      else negative -= v;
      previous = 0;
      continue;
    }
    const lex = lexiconWord(tok);
    if (lex.contrast) {
      // what follows "but" counts more than what came before it
      sum *= 0.6;
      positive *= 0.6;
      negative *= 0.6;
      clauseWeight = 1.3;
      previous = 0;
      continue;
    }
    if (lex.amp !== undefined) {
      boost = lex.amp;
      previous = 0;
      continue;
    }
    let v = 0;
    const phrase = lex.phrase;
    if (phrase?.stems.every((s, k) => tokens[i + k]?.stem === s)) {
      v = phrase.v;
      i += phrase.stems.length - 1;
    } else {
      v = lex.v;
      if (v !== 0 && tok.negated) v *= v > 0 ? -0.75 : -0.5;
    }
    if (v !== 0) {
      v *= boost * clauseWeight;
      sum += v;
      if (v > 0) positive += v;
      else negative -= v;
    }
    previous = v;
    boost = 1;
  }
  return { sum, positive, negative };
}

/** Maps a raw valence sum into [-1, 1] (the VADER normalisation). */
export function normaliseValence(sum: number): number {
  return sum / Math.sqrt(sum * sum + 15);
}

import { franc } from 'franc';

export interface LanguageGuess {
  /** ISO 639-1 code, or 'und' when the text is too short or unclear. */
  code: string;
  confidence: number;
}

// Frequent words per Latin-script language: function words plus everyday feedback vocabulary. A word may sit in
// several lists; it then counts for each, so only distinctive words move the decision.
const WORDS: Record<string, string> = {
  en: `the and to of a in is it was i you that for on with my we this they be are not have but at very all so were had
    be there been their them our your what when would could should will can about after just from like good great
    staff service thank thanks please help helpful time wait waiting long appointment really nice kind lovely excellent
    poor bad no yes too more me he she his her an as or if by do did does get got one out up which who how why us
    told said need needed because than then also well always never only back over still again some any people
    doctor nurse nurses hospital care team everyone friendly rude clean dirty waited hours minutes day days phone
    called call answer made make went go going come came see seen felt feel feeling think thought much many
    parking difficult easy hard nobody nothing everything anything something quick slow late early busy quiet
    room building toilets toilet car bus form website online booking booked booked reception receptionist manager
    council library centre center pool school children child family mum dad mother father son daughter husband
    wife please sorry happy unhappy disappointed terrible awful fantastic brilliant amazing wonderful problem issue`,
  cy: `yn y yr a ac i o mae roedd oedd ond ni na nid dim ddim gyda gan am ar at yng ym wedi bod iawn diolch fawr
    fe mi hi ef fo nhw chi ni ein eich eu fy dy ei ydy ydw oes roedd bydd byddai gallu angen eisiau staff aros hir rhy
    da dda gwasanaeth gwych ardderchog cymraeg cymorth helpu hefyd felly pan lle sut pam beth pwy yma yno heddiw
    ddoe amser apwyntiad meddyg nyrs ysbyty caredig cyfeillgar glân budr gwael drwg gormod llawer ychydig pawb
    rhaid erioed bob un dau tri gael cael wnaeth gwneud mynd dod gweld teimlo meddwl dweud ffonio ateb ffôn cyngor
    canolfan hamdden llyfrgell ysgol plant teulu cartref gyngor ddiolch ganddynt ganddo arnaf imi iddo iddi hwn hon
    hyn rhain ag oherwydd achos wrth trwy dros heb rhwng tan ers ydyn maen dwi dw rwy rydw roeddwn byddwn`,
  pl: `i w z na się nie to jest że do jak ale o co za po tak od dla był była było są już bardzo mnie mi jego jej ich
    czy być ten ta te tego przez przy tylko jeszcze też więc kiedy gdzie dziękuję dzień dobry personel czekanie długo
    lekarz wizyta pani pan było bylo`,
  ro: `și si în in de la cu nu pe a o un una este sunt a fost foarte dar mai mult pentru din care ce să sa ca am ai
    au fi fost vă va mulțumesc multumesc personalul așteptarea asteptarea prea lungă lunga bine rău rau medic`,
  pt: `o a os as de do da dos das em no na um uma que e é não nao com para por mas muito foi estava está esta
    eu ele ela nós eles pessoal espera longa obrigado obrigada bom boa mau atendimento médico consulta também`,
  es: `el la los las de del en un una que y es no con para por pero muy fue estaba está yo él ella nosotros ellos
    personal espera larga gracias bueno buena malo atención médico cita también hay más`,
  fr: `le la les de des du un une et est ne pas que qui avec pour par mais très été était je il elle nous vous ils
    personnel attente longue merci bon bonne mauvais accueil médecin rendez-vous aussi sont au aux`,
  de: `der die das und ist nicht ein eine mit für auf aber sehr war ich er sie wir ihr es den dem des zu von im
    personal wartezeit lange danke gut schlecht arzt termin auch sind`,
  it: `il lo la gli le di del della e è non un una che con per ma molto era sono io lui lei noi personale attesa
    lunga grazie buono buona cattivo medico anche`,
  nl: `de het een en is niet van met voor maar zeer erg was ik hij zij wij jullie zijn personeel wachten lang
    bedankt goed slecht dokter afspraak ook`,
  so: `waa iyo ayaa ka ku u oo aan in la ah wax si aad ay baa ma mid kale laakiin aad shaqaalaha sugitaanka
    dheeraa mahadsanid fiican xun dhakhtarka isbitaalka waxaan waxay wuxuu iyada isaga anaga idinka`,
  lt: `ir yra buvo ne kad su į iš bet labai aš jis ji mes jūs jie tai kaip darbuotojai laukti ilgai ačiū gerai
    blogai gydytojas`,
  tr: `ve bir bu çok da de ile için ama değil var yok ben sen o biz siz onlar gibi daha personel bekleme uzun
    teşekkür teşekkürler iyi kötü doktor randevu`,
  sq: `dhe në është një për me nuk që të i e u ka jam ishte shumë por stafi pritja gjatë faleminderit mirë keq`,
  cs: `a je se na v že to s není jsem byl byla bylo ale velmi já on ona my vy oni personál čekání dlouho děkuji
    dobře špatně lékař`,
  hu: `és a az egy nem van volt de nagyon hogy én ő mi ti ők személyzet várakozás hosszú köszönöm jó rossz orvos`,
};

const WORD_LANGS = new Map<string, string[]>();
for (const [lang, list] of Object.entries(WORDS)) {
  for (const w of list.split(/\s+/)) {
    if (w.length === 0) continue;
    const langs = WORD_LANGS.get(w) ?? [];
    if (!langs.includes(lang)) langs.push(lang);
    WORD_LANGS.set(w, langs);
  }
}

// Letters that point at one language (or a small family); each occurrence adds a fraction of a word's weight.
const CHAR_CUES: [RegExp, string, number][] = [
  [/[ŵŷ]/g, 'cy', 2],
  [/[ąęłśźżćń]/g, 'pl', 1],
  [/[ășțâ]|ş(?=[aeiou])|ţ/g, 'ro', 1],
  [/[ãõ]/g, 'pt', 1],
  [/[ñ¿¡]/g, 'es', 1],
  [/[èœùû]/g, 'fr', 0.5],
  [/[ğı]/g, 'tr', 1.5],
  [/[ėįųū]/g, 'lt', 1.5],
  [/[ßä]/g, 'de', 0.5],
  [/[ěřů]/g, 'cs', 1],
  [/[őű]/g, 'hu', 1.5],
  [/[ë]/g, 'sq', 0.5],
];

const WELSH_DIGRAPHS = /(?:dd|ll|ff|wy|ydd|ch|rh|ngh|mh|nh)/g;

const ISO3_TO_1: Record<string, string> = {
  eng: 'en',
  cym: 'cy',
  pol: 'pl',
  ron: 'ro',
  por: 'pt',
  spa: 'es',
  fra: 'fr',
  deu: 'de',
  ita: 'it',
  nld: 'nl',
  som: 'so',
  lit: 'lt',
  tur: 'tr',
  als: 'sq',
  ces: 'cs',
  hun: 'hu',
  slk: 'sk',
  lav: 'lv',
  gle: 'ga',
  swe: 'sv',
  dan: 'da',
  nob: 'no',
  fin: 'fi',
  est: 'et',
  hrv: 'hr',
  slv: 'sl',
  tgl: 'tl',
  ind: 'id',
  vie: 'vi',
  swh: 'sw',
  yor: 'yo',
  ibo: 'ig',
  hau: 'ha',
};
const FRANC_ONLY = Object.keys(ISO3_TO_1);

interface ScriptCounts {
  latin: number;
  total: number;
  best: string;
  bestCount: number;
  urduMarks: number;
  persianMarks: number;
  kana: number;
  ukrainianMarks: number;
}

/** Script of a code point, as a language code where the script mostly means one language in UK services. */
function scriptOf(cp: number): string | null {
  if (cp < 0x0250) return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp >= 0xc0 ? 'latin' : null;
  if (cp >= 0x1e00 && cp <= 0x1eff) return 'latin';
  if (cp >= 0x0370 && cp <= 0x03ff) return 'el';
  if (cp >= 0x0400 && cp <= 0x04ff) return 'ru';
  if (cp >= 0x0530 && cp <= 0x058f) return 'hy';
  if (cp >= 0x0590 && cp <= 0x05ff) return 'he';
  if ((cp >= 0x0600 && cp <= 0x06ff) || (cp >= 0x0750 && cp <= 0x077f) || (cp >= 0xfb50 && cp <= 0xfeff)) return 'ar';
  if (cp >= 0x0900 && cp <= 0x097f) return 'hi';
  if (cp >= 0x0980 && cp <= 0x09ff) return 'bn';
  if (cp >= 0x0a00 && cp <= 0x0a7f) return 'pa';
  if (cp >= 0x0a80 && cp <= 0x0aff) return 'gu';
  if (cp >= 0x0b80 && cp <= 0x0bff) return 'ta';
  if (cp >= 0x0c00 && cp <= 0x0c7f) return 'te';
  if (cp >= 0x0d80 && cp <= 0x0dff) return 'si';
  if (cp >= 0x0e00 && cp <= 0x0e7f) return 'th';
  if (cp >= 0x10a0 && cp <= 0x10ff) return 'ka';
  if (cp >= 0x1200 && cp <= 0x137f) return 'am';
  if (cp >= 0x1780 && cp <= 0x17ff) return 'km';
  if ((cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x31f0 && cp <= 0x31ff)) return 'ja';
  if ((cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf)) return 'zh';
  if (cp >= 0xac00 && cp <= 0xd7af) return 'ko';
  if (cp >= 0x0e80 && cp <= 0x0eff) return 'lo';
  if (cp >= 0x1000 && cp <= 0x109f) return 'my';
  return null;
}

function countScripts(text: string): ScriptCounts {
  const counts = new Map<string, number>();
  const c: ScriptCounts = {
    latin: 0,
    total: 0,
    best: 'latin',
    bestCount: 0,
    urduMarks: 0,
    persianMarks: 0,
    kana: 0,
    ukrainianMarks: 0,
  };
  const limit = Math.min(text.length, 600);
  for (let i = 0; i < limit; i++) {
    const cp = text.charCodeAt(i);
    const s = scriptOf(cp);
    if (s === null) continue;
    c.total++;
    if (s === 'latin') {
      c.latin++;
      continue;
    }
    counts.set(s, (counts.get(s) ?? 0) + 1);
    // Urdu letters absent from Arabic: ٹ ڈ ڑ ں ے ھ ہ; Persian/Urdu shared: پ چ ژ گ ک ی.
    if (
      cp === 0x0679 ||
      cp === 0x0688 ||
      cp === 0x0691 ||
      cp === 0x06ba ||
      cp === 0x06d2 ||
      cp === 0x06be ||
      cp === 0x06c1
    )
      c.urduMarks++;
    if (cp === 0x067e || cp === 0x0686 || cp === 0x0698 || cp === 0x06af || cp === 0x06a9 || cp === 0x06cc)
      c.persianMarks++;
    if (s === 'ja') c.kana++;
    if (
      cp === 0x0456 ||
      cp === 0x0457 ||
      cp === 0x0454 ||
      cp === 0x0491 ||
      cp === 0x0406 ||
      cp === 0x0407 ||
      cp === 0x0404
    )
      c.ukrainianMarks++;
  }
  for (const [s, n] of counts) {
    if (n > c.bestCount) {
      c.best = s;
      c.bestCount = n;
    }
  }
  return c;
}

function scriptLanguage(c: ScriptCounts): string {
  if (c.best === 'ar') {
    if (c.urduMarks > 0) return 'ur';
    return c.persianMarks > 0 ? 'fa' : 'ar';
  }
  if (c.best === 'zh' && c.kana > 0) return 'ja';
  if (c.best === 'ru' && c.ukrainianMarks > 0) return 'uk';
  return c.best;
}

// Language of each word list, as indexes into LANGS, and the weight a word adds to each: shared words split
// their weight; English keeps most of it, being the likeliest language of UK feedback.
const LANGS = Object.keys(WORDS);
const WORD_WEIGHTS = new Map<string, { langs: Int32Array; weights: Float64Array }>();
for (const [w, langs] of WORD_LANGS) {
  const weight = 1 / langs.length;
  WORD_WEIGHTS.set(w, {
    langs: Int32Array.from(langs, (l) => LANGS.indexOf(l)),
    weights: Float64Array.from(langs, (l) => (l === 'en' ? Math.max(weight, 0.75) : weight)),
  });
}

const LETTER_OR_MARK = /^[\p{L}\p{M}]$/u;
// per UTF-16 code unit outside ASCII: 0 not yet known, 1 letter or mark, 2 neither
const letterClass = new Uint8Array(65_536);

/**
 * Code units taken by the letter or combining mark at i (an astral letter takes two), 0 if there is none.
 * Words are runs of letters and marks joined by single apostrophes or hyphens (the regex
 * [\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)* with the u flag), scanned by hand: this runs on every item.
 */
function letterAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) ? 1 : 0;
  if (c >= 0xd800 && c <= 0xdbff) {
    const cp = s.codePointAt(i)!;
    if (cp <= 0xffff) return 0;
    return LETTER_OR_MARK.test(String.fromCodePoint(cp)) ? 2 : 0;
  }
  let k = letterClass[c]!;
  if (k === 0) {
    k = LETTER_OR_MARK.test(String.fromCharCode(c)) ? 1 : 2;
    letterClass[c] = k;
  }
  return k === 1 ? 1 : 0;
}

// The word lists as an open-addressing table keyed by a hash computed while scanning, so a text's words are
// looked up without cutting each one out of the text first.
const wordSlots = (() => {
  let size = 16;
  while (size < WORD_WEIGHTS.size * 4) size *= 2;
  return size;
})();
const slotWord: (string | undefined)[] = new Array(wordSlots);
const slotHash = new Int32Array(wordSlots);
const slotEntry: ({ langs: Int32Array; weights: Float64Array } | undefined)[] = new Array(wordSlots);
for (const [w, entry] of WORD_WEIGHTS) {
  let h = 0x811c9dc5;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 16777619);
  let slot = h & (wordSlots - 1);
  while (slotWord[slot] !== undefined) slot = (slot + 1) & (wordSlots - 1);
  slotWord[slot] = w;
  slotHash[slot] = h;
  slotEntry[slot] = entry;
}

/** The word list entry of lower[start, end) (’ read as '), if any. */
function listedWord(s: string, start: number, end: number, h: number) {
  let slot = h & (wordSlots - 1);
  for (;;) {
    const w = slotWord[slot];
    if (w === undefined) return undefined;
    if (slotHash[slot] === h && w.length === end - start) {
      let same = true;
      for (let i = 0; i < w.length && same; i++) {
        const c = s.charCodeAt(start + i);
        same = (c === 0x2019 ? 39 : c) === w.charCodeAt(i);
      }
      if (same) return slotEntry[slot];
    }
    slot = (slot + 1) & (wordSlots - 1);
  }
}

function latinLanguage(text: string): LanguageGuess {
  // The first few hundred characters decide; more text rarely changes the answer and costs time.
  const lower = (text.length > 600 ? text.slice(0, 600) : text).toLowerCase();
  const sums = new Float64Array(LANGS.length);
  // languages in the order they first scored: ties go to the first (as a Map's insertion order would)
  const order: number[] = [];
  let tokens = 0;
  const n = lower.length;
  let i = 0;
  while (i < n) {
    let len = letterAt(lower, i);
    if (len === 0) {
      i++;
      continue;
    }
    // one word: letters, joined by single apostrophes or hyphens; hashed as it is read
    const start = i;
    let h = 0x811c9dc5;
    for (;;) {
      while (len > 0) {
        for (let k = 0; k < len; k++) h = Math.imul(h ^ lower.charCodeAt(i + k), 16777619);
        i += len;
        len = i < n ? letterAt(lower, i) : 0;
      }
      const c = lower.charCodeAt(i);
      if ((c === 39 || c === 0x2019 || c === 45) && i + 1 < n) {
        len = letterAt(lower, i + 1);
        if (len > 0) {
          h = Math.imul(h ^ (c === 0x2019 ? 39 : c), 16777619);
          i++;
          continue;
        }
      }
      break;
    }
    tokens++;
    const hit = listedWord(lower, start, i, h);
    if (!hit) continue;
    for (let k = 0; k < hit.langs.length; k++) {
      const l = hit.langs[k]!;
      if (!order.includes(l)) order.push(l);
      sums[l] = sums[l]! + hit.weights[k]!;
    }
  }
  const scores = new Map<string, number>(order.map((l) => [LANGS[l]!, sums[l]!]));
  const ascii = !/[^\x00-\x7f]/.test(lower);
  for (const [re, lang, weight] of ascii ? [] : CHAR_CUES) {
    const n = lower.match(re)?.length ?? 0;
    if (n > 0) scores.set(lang, (scores.get(lang) ?? 0) + Math.min(3, n * weight));
  }
  // Welsh spelling is dense in digraphs; a small nudge that only matters when the words tie.
  const cy = scores.get('cy');
  if (cy !== undefined) {
    const digraphs = lower.match(WELSH_DIGRAPHS)?.length ?? 0;
    scores.set('cy', cy + Math.min(1, digraphs * 0.1));
  }
  let best = 'und';
  let bestScore = 0;
  let second = 0;
  for (const [l, s] of scores) {
    if (s > bestScore) {
      second = bestScore;
      bestScore = s;
      best = l;
    } else if (s > second) second = s;
  }
  if (bestScore < 0.99) {
    // No known word: let franc judge longer texts, restricted to languages we can name.
    if (text.length >= 60) {
      const iso3 = franc(text.slice(0, 400), { only: FRANC_ONLY });
      const code = ISO3_TO_1[iso3];
      if (code) return { code, confidence: 0.4 };
    }
    return { code: 'und', confidence: 0.1 };
  }
  const coverage = Math.min(1, bestScore / Math.max(2, tokens * 0.25));
  const margin = (bestScore - second) / bestScore;
  const confidence = Math.max(0.2, Math.min(0.99, 0.35 + 0.4 * margin + 0.25 * coverage));
  if (bestScore - second < 0.5) return { code: best, confidence: Math.min(confidence, 0.45) };
  return { code: best, confidence };
}

/** Language of a feedback text: script for non-Latin writing systems, word and letter cues for Latin ones. */
export function detectLanguage(text: string): LanguageGuess {
  const c = countScripts(text);
  if (c.total < 2) return { code: 'und', confidence: 0 };
  const nonLatin = c.bestCount;
  if (nonLatin > c.latin) {
    const share = nonLatin / c.total;
    return { code: scriptLanguage(c), confidence: Math.min(0.99, 0.5 + 0.5 * share) * (c.total >= 4 ? 1 : 0.6) };
  }
  return latinLanguage(text);
}

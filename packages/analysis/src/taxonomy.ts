import { phraseStems } from './tokenise.ts';

/**
 * A theme of an organisation's taxonomy. Rules are phrases of consecutive words matched on Porter stems
 * ("waiting times" matches "waiting time" and "waited times"), case-insensitive:
 * - include: any match tags the theme (source 'rule'), unless the match is negated ("not dirty");
 * - exclude: any match vetoes the theme, whatever the model or other rules say;
 * - force: any match tags the theme even when the model is confident it is absent.
 * A word ending in `*` matches as a prefix of the word ("recycl*"); a word starting with `=` matches only
 * exactly ("=parking", because Porter stems "parking" and "parks" alike).
 */
export interface ThemeDef {
  key: string;
  name: string;
  nameCy?: string;
  parentKey?: string | null;
  rules: { include: string[]; exclude?: string[]; force?: string[] };
}

/** Splits a comma-separated phrase list. */
function words(list: string): string[] {
  return list
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);
}

function theme(
  key: string,
  name: string,
  nameCy: string,
  parentKey: string | null,
  include: string[],
  exclude: string[] = [],
): ThemeDef {
  return { key, name, nameCy, parentKey, rules: exclude.length ? { include, exclude } : { include } };
}

/** The default public-service taxonomy seeded into every new organisation (councils, NHS, libraries, housing). */
export const defaultTaxonomy: ThemeDef[] = [
  theme(
    'access',
    'Access and opening hours',
    'Mynediad ac oriau agor',
    null,
    words(
      'opening hours, opening times, open longer, closed, closing time, open on, weekend opening, ' +
        'get an appointment, open until, open later, late opening, opening time, oriau agor, amseroedd agor, ar gau, ' +
        'ar agor',
    ),
  ),
  theme(
    'access.appointments',
    'Appointments and booking',
    'Apwyntiadau a threfnu',
    'access',
    words(
      'appointment, appointments, book, booking, rebook, reschedul*, cancelled, apwyntiad*, archebu, canslo, canslwyd',
    ),
  ),
  theme(
    'waiting',
    'Waiting times',
    'Amseroedd aros',
    null,
    words(
      'wait, waiting, waited, queue, queues, queuing, delay, delays, delayed, took ages, took too long, ' +
        'waiting list, on hold, late, aros, ciw, ciwio, oedi, rhestr aros, hwyr',
    ),
  ),
  theme(
    'staff',
    'Staff attitude',
    'Agwedd staff',
    null,
    words(
      'staff, rude, polite, friendly, unfriendly, helpful, unhelpful, kind, caring, attitude, manner, ' +
        'courteous, respectful, dismissive, receptionist, nurse, nurses, doctor, staff member, librarian, ' +
        'officer, caredig, cwrtais, anghwrtais, cyfeillgar, anghyfeillgar, defnyddiol, amyneddgar, diamynedd, ' +
        'parchus, amharchus, derbynfa, derbynnydd, nyrs, meddyg, llyfrgellydd, swyddog, pleasant, call handler, ' +
        'volunteer, volunteers, lifeguard, lifeguards, gwirfoddolwr, gwirfoddolwyr, achubwr bywyd',
    ),
  ),
  theme(
    'staff.competence',
    'Staff knowledge and competence',
    'Gwybodaeth a chymhwysedd staff',
    'staff',
    words(
      'knowledgeable, competent, incompetent, professional, unprofessional, training, expertise, ' +
        'knew what, did not know, proffesiynol, amhroffesiynol, gwybodus, hyfforddiant',
    ),
  ),
  theme(
    'communication',
    'Communication and information',
    'Cyfathrebu a gwybodaeth',
    null,
    words(
      'communication, information, inform, informed, explain, explained, explanation, letter, letters, ' +
        'kept updated, update, updates, told, no one told, call back, phone, phoned, telephone, email, ' +
        'emails, answer the phone, listen, listened, gwybodaeth, cyfathrebu, esbonio, egluro, llythyr, llythyrau, ' +
        'ffôn, ffonio, e bost, ebost, ateb y ffôn, dim ateb, diweddariad*, gwrando, leaflet, leaflets, signage, ' +
        'newsletter, taflen, taflenni, arwyddion',
    ),
  ),
  theme(
    'cleanliness',
    'Cleanliness',
    'Glendid',
    null,
    words(
      'clean, cleanliness, dirty, filthy, hygiene, hygienic, smell, smelly, dust, dusty, mess, messy, ' +
        'spotless, glân, glan, budr, brwnt, glanhau, glendid, hylendid, drewi, drewllyd, llanast',
    ),
  ),
  theme(
    'facilities',
    'Facilities and buildings',
    'Cyfleusterau ac adeiladau',
    null,
    words(
      'facilities, building, toilet, toilets, seating, seats, chairs, heating, too cold, too hot, lift, ' +
        'waiting room, waiting area, cafe, café, cafeteria, wifi, computers, equipment, cyfleusterau, adeilad, ' +
        'toiledau, tŷ bach, seddi, cadeiriau, gwresogi, rhy oer, rhy boeth, lifft, caffi, cyfrifiaduron, ystafell aros, ' +
        'shower, showers, changing room, changing rooms, lockers, vending machine, swimming pool, learner pool, ' +
        'water was cold, cawodydd, ystafell newid, pwll nofio',
    ),
  ),
  theme(
    'facilities.library',
    'Library stock and spaces',
    'Stoc a lleoedd llyfrgell',
    'facilities',
    words(
      'library, libraries, books, book stock, ebooks, study space, reading room, story time, llyfrgell, ' +
        'llyfrgelloedd, llyfrau, amser stori',
    ),
  ),
  theme(
    'activities',
    'Activities, events and classes',
    'Gweithgareddau, digwyddiadau a dosbarthiadau',
    null,
    // exact or phrase forms where the English stemmer would reach too far: "class" ("first class"), "course"
    // ("of course"), "activities" ("active"), "fitness" ("fit"), "session" and "exercise" (therapy, physio)
    words(
      '=activity, =activities, event, events, =classes, exercise class, fitness class, art class, dance class, ' +
        'club, clubs, =courses, workshop, workshops, rhyme time, story time, storytime, swimming lessons, ' +
        'swim session, gym, =fitness, aerobics, aqua aerobics, yoga, walking football, football, timetable, ' +
        'gweithgaredd*, digwyddiad*, dosbarth*, clwb, clybiau, cwrs, cyrsiau, gweithdy, gweithdai, amser rhigwm, ' +
        'nofio, campfa',
    ),
  ),
  theme(
    'digital',
    'Digital services and website',
    'Gwasanaethau digidol a gwefan',
    null,
    words(
      'website, web site, online, app, portal, log in, login, password, online form, link, digital, ' +
        'email address, gwefan, ar lein, arlein, ap, cyfrinair, mewngofnodi, ffurflen, digidol',
    ),
  ),
  theme(
    'cost',
    'Cost and value',
    'Cost a gwerth',
    null,
    words(
      'cost, costs, price, prices, expensive, cheap, fee, fees, charge, charges, charged, ' +
        'value for money, council tax, afford, affordable, refund, pay, payment, pris, prisiau, drud, rhad, ' +
        'ffi, ffioedd, talu, taliad, ad daliad, gwerth am arian, fforddio, costau, treth gyngor, treth cyngor',
    ),
  ),
  theme(
    'accessibility',
    'Accessibility',
    'Hygyrchedd',
    null,
    words(
      'wheelchair, disabled, disability, accessible, accessibility, ramp, hearing loop, large print, ' +
        'step free, blue badge, mobility, hygyrch, hygyrchedd, anabl, anabledd, cadair olwyn, dolen sain, print bras, ' +
        'bathodyn glas, symudedd, hoist, autism, autistic, sensory, dementia, teclyn codi, awtistiaeth, awtistig',
    ),
  ),
  theme(
    'complaints',
    'Complaint handling',
    'Ymdrin â chwynion',
    null,
    words(
      'complaint, complaints, complain, complained, ombudsman, escalate, no response, never responded, ' +
        'case reference, cwyn, cwynion, cwyno, ombwdsmon, dim ymateb',
    ),
  ),
  theme(
    'safety',
    'Safety and security',
    'Diogelwch',
    null,
    words(
      'safe, safety, unsafe, dangerous, danger, security, antisocial, anti social, crime, vandalism, ' +
        'harassment, bullying, abuse, assault, diogel, diogelwch, anniogel, peryglus, perygl, trosedd, fandaliaeth, ' +
        'aflonyddu, bwlio, ymddygiad gwrthgymdeithasol',
    ),
  ),
  theme(
    'environment',
    'Environment and neighbourhood',
    'Amgylchedd a chymdogaeth',
    null,
    words(
      'environment, neighbourhood, pollution, air quality, trees, flooding, amgylchedd, cymdogaeth, llygredd, ' +
        'ansawdd aer, coed, llifogydd',
    ),
  ),
  theme(
    'environment.waste',
    'Bins, recycling and waste',
    'Biniau, ailgylchu a gwastraff',
    'environment',
    words(
      'bin, bins, recycl*, rubbish, waste, collection, collections, fly tipping, flytipping, tip, ' +
        'bin collection, food waste, biniau, ailgylchu, sbwriel, gwastraff, casgliad*, casglu, tipio anghyfreithlon, ' +
        'gwastraff bwyd',
    ),
  ),
  theme(
    'environment.litter',
    'Litter and street cleaning',
    'Sbwriel a glanhau strydoedd',
    'environment',
    words('litter, dog fouling, dog mess, street cleaning, graffiti, chewing gum, baw ci, glanhau strydoedd, gwm cnoi'),
  ),
  theme(
    'environment.parks',
    'Parks and green spaces',
    'Parciau a mannau gwyrdd',
    'environment',
    words(
      '=park, =parks, playground, play area, green space, grass, grass cutting, football pitch, ' +
        'allotment*, parc, parciau, =maes chwarae, man chwarae, mannau gwyrdd, glaswellt, torri gwair, rhandir*',
    ),
    words('car park, car parks, park and ride, =maes parcio'),
  ),
  theme(
    'environment.noise',
    'Noise and nuisance',
    'Sŵn a niwsans',
    'environment',
    words('noise, noisy, loud, nuisance, barking, sŵn, swn, swnllyd, niwsans, cyfarth'),
  ),
  theme(
    'transport',
    'Parking and transport',
    'Parcio a thrafnidiaeth',
    null,
    words(
      'transport, bus, buses, train, taxi, ambulance, travel, journey, lift home, pick up, picked up, ' +
        'drop off, trafnidiaeth, bws, bysiau, trên, trenau, tacsi, ambiwlans, teithio, taith',
    ),
  ),
  theme(
    'transport.parking',
    'Parking',
    'Parcio',
    'transport',
    words(
      '=parking, =parked, car park, park the car, parking space, parking spaces, parking permit, parking ticket, ' +
        'parking charges, parcio, =maes parcio, lle parcio, llefydd parcio, trwydded parcio, tocyn parcio',
    ),
  ),
  theme(
    'roads',
    'Roads and pavements',
    'Ffyrdd a phalmentydd',
    null,
    words(
      'road, roads, pothole, potholes, pavement, pavements, footpath, street light, street lights, ' +
        'streetlight*, gritting, traffic, speeding, crossing, cycle lane, ffordd, ffyrdd, palmant, palmentydd, tyllau, ' +
        'twll, golau stryd, goleuadau stryd, graeanu, traffig, goryrru, croesfan, lôn feicio',
    ),
  ),
  theme(
    'housing',
    'Housing',
    'Tai',
    null,
    words(
      'housing, tenancy, tenant, landlord, rent, council house, flat, homeless, homelessness, ' +
        'housing officer, tai, tenantiaeth, rhent, digartref, digartrefedd, tŷ cyngor, fflat, swyddog tai',
    ),
  ),
  theme(
    'housing.repairs',
    'Housing repairs',
    'Atgyweiriadau tai',
    'housing',
    words(
      'repair, repairs, repaired, leak, leaking, damp, mould, mold, boiler, broken, fix, fixed, ' +
        'maintenance, contractor, workmen, atgyweirio, atgyweiriad*, lleithder, trwsio, gollwng, llwydni, boeler, ' +
        'wedi torri, cynnal a chadw',
    ),
  ),
  theme(
    'language',
    'Language and translation',
    'Iaith a chyfieithu',
    null,
    words(
      'welsh, english, language, translation, translate, translator, interpreter, interpreting, ' +
        'bilingual, in welsh, cymraeg, saesneg, iaith, cyfieithu, cyfieithiad, cyfieithydd, dwyieithog, dehonglydd',
    ),
  ),
  theme(
    'care',
    'Care and treatment',
    'Gofal a thriniaeth',
    null,
    words(
      'treatment, care, treated, diagnosis, medication, medicine, prescription, operation, ward, gofal, ' +
        'triniaeth, meddyginiaeth, moddion, presgripsiwn, llawdriniaeth',
    ),
  ),
  theme(
    'care.food',
    'Food and drink',
    'Bwyd a diod',
    'care',
    words(
      'food, meal, meals, drink, drinks, tea, coffee, menu, lunch, dinner, breakfast, bwyd, diod, pryd bwyd, ' +
        'prydau, paned, coffi, cinio, brecwast, swper, bwydlen',
    ),
  ),
  theme(
    'praise',
    'Praise and thanks',
    'Canmoliaeth a diolch',
    null,
    words(
      'thank you, thanks, excellent, brilliant, fantastic, great service, well done, keep it up, ' +
        'could not fault, cannot fault, nothing to improve, diolch, ardderchog, gwych, arbennig, bendigedig, da iawn',
    ),
  ),
];

/** A default theme, or phrases of one, that an organisation's taxonomy does not have. */
export interface TaxonomyAddition {
  key: string;
  name: string;
  nameCy?: string;
  parentKey: string | null;
  /** the organisation has no theme with this key: adding creates it */
  newTheme: boolean;
  include: string[];
  exclude: string[];
}

/** What a phrase says, for comparing: its patterns, an exact word read as its stem (which says at least as much). */
const phrasePatterns = (phrase: string) =>
  phraseStems(phrase).map((p) => (p.startsWith('=') ? (phraseStems(p.slice(1))[0] ?? p) : p));
const phraseKey = (phrase: string) => phrasePatterns(phrase).join(' ');

/** True when `inner` occurs as consecutive patterns in `outer`: wherever outer matches, inner does too. */
function within(inner: string[], outer: string[]): boolean {
  for (let i = 0; i + inner.length <= outer.length; i++) if (inner.every((p, k) => outer[i + k] === p)) return true;
  return false;
}

/**
 * What the default taxonomy has that `current` (an organisation's themes, active or not) lacks: default themes
 * whose key it does not have (under a parent it has, or that is itself added), and include/exclude phrases of the
 * themes it shares that none of that theme's phrases already say (compared stem by stem, so "bins" is not
 * offered to a theme that has "bin"). `skip(key, kind, phrase)` leaves out what staff turned down. An
 * organisation set up before the defaults grew can so take up what was added since, and nothing it changed is
 * touched: the result only ever adds.
 */
export function defaultTaxonomyAdditions(
  current: { key: string; rules: ThemeDef['rules'] }[],
  skip: (key: string, kind: 'include' | 'exclude', phrase: string) => boolean = () => false,
  defaults: ThemeDef[] = defaultTaxonomy,
): TaxonomyAddition[] {
  const byKey = new Map(current.map((t) => [t.key, t]));
  const out: TaxonomyAddition[] = [];
  const added = new Set<string>();
  for (const def of defaults) {
    const own = byKey.get(def.key);
    const parentKey = def.parentKey ?? null;
    if (!own && parentKey !== null && !byKey.has(parentKey) && !added.has(parentKey)) continue;
    const have = new Set(
      own ? [...own.rules.include, ...(own.rules.exclude ?? []), ...(own.rules.force ?? [])].map(phraseKey) : [],
    );
    // what already tags the theme: a longer phrase containing one of these ("parking space" with "parking") would
    // tag nothing more
    const tagging = own ? [...own.rules.include, ...(own.rules.force ?? [])].map(phrasePatterns) : [];
    // phrases the theme has not got, one per meaning ("parking space" and "parking spaces" say the same)
    const missing = (kind: 'include' | 'exclude') =>
      (def.rules[kind] ?? []).filter((p) => {
        const key = phraseKey(p);
        if (have.has(key) || skip(def.key, kind, p)) return false;
        if (kind === 'include' && tagging.some((t) => within(t, phrasePatterns(p)))) return false;
        have.add(key);
        return true;
      });
    const include = missing('include');
    const exclude = missing('exclude');
    if (!own && include.length === 0) continue;
    if (include.length === 0 && exclude.length === 0) continue;
    if (!own) added.add(def.key);
    out.push({
      key: def.key,
      name: def.name,
      ...(def.nameCy ? { nameCy: def.nameCy } : {}),
      parentKey,
      newTheme: !own,
      include,
      exclude,
    });
  }
  return out;
}

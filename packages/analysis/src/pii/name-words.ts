// Capitalised words that are not person names: function words, sentence openers, calendar words, and words
// that mark organisations, places and products. Lower case.
export const NOT_NAME_WORDS = new Set(
  `
a about above after again against all also am an and another any are as at back be because been before being below
between both but by can could did do does doing done down during each either even ever every few for from further get
gets go going got had has have having he her here hers herself him himself his how however i if in into is it its
itself just least less let like made make many me might more most much must my myself neither never no nor not now of
off often on once one only or other our ours ourselves out over own please quite rather really same say says shall she
should since so some still such than that the their theirs them themselves then there these they this those though
through thus to too under until up upon us very was we well were what whatever when where whether which while who
whom whose why with within without would yes yet you your yours yourself yourselves
hi hello hey dear thanks thank regards kind best cheers sincerely yours faithfully warm love diolch cofion helo
shwmae bore hwyl annwyl prynhawn noswaith
ok okay oh wow sorry great good bad excellent poor nice lovely brilliant awful terrible amazing fantastic wonderful
monday tuesday wednesday thursday friday saturday sunday today tomorrow yesterday tonight morning evening afternoon
january february march april may june july august september october november december christmas easter
week month year weekend day night spring summer autumn winter
mr mrs ms miss dr prof sir madam dame lord lady rev mx
street st road rd avenue ave lane ln drive close way court place crescent terrace gardens grove square park hill
council hospital centre center clinic surgery school college university library museum church chapel station
airport bank trust service services department office team group company ltd limited plc inc llc corp corporation
association society club foundation institute board authority agency ministry government police fire ambulance
nhs gp a&e ae uk usa us eu gov org com net www http https
north south east west northern southern eastern western central upper lower great little new old saint st.
united kingdom states america republic federation union island islands city town village county borough district
england wales scotland ireland britain british english welsh scottish irish european american
london cardiff swansea newport wrexham bangor aberystwyth carmarthen bristol birmingham manchester liverpool leeds
sheffield newcastle glasgow edinburgh belfast leicester nottingham coventry bradford hull plymouth southampton
portsmouth reading oxford cambridge york derby stoke brighton norwich exeter gloucester bath chester lancaster
canada australia france germany spain italy poland portugal romania india pakistan bangladesh china japan nigeria
somalia turkey norway sweden denmark finland iceland estonia latvia lithuania hungary austria belgium netherlands
switzerland greece cyprus brazil mexico argentina chile uruguay russia ukraine egypt kenya ghana zealand africa
ward unit floor room block level suite apt apartment flat building reception desk
the a an this that these those my our your his her their its
customer customers patient patients staff member members manager managers nurse nurses doctor doctors receptionist
service app website online email phone call letter form forms parking car bus train taxi
covid coronavirus vaccine
name address mobile fax desk tel telephone date time where when who what why how user bot note subject re fw from
to cc bcc sent title
god lord jesus christ allah
english welsh cymraeg polish urdu arabic bengali punjabi gujarati somali french spanish portuguese romanian chinese
amazon google facebook twitter instagram tiktok youtube microsoft apple netflix tesco asda sainsbury sainsbury's
contact mob ref reference tel. email: phone: canolfan hamdden ysbyty llyfrgell cyngor ysgol parc heol ffordd stryd lôn
sgwâr pont eglwys capel tafarn siop caerdydd abertawe casnewydd caerfyrddin llanelli merthyr pontypridd caerphilly
barry penarth ely splott roath canton cathays grangetown llandaff rhondda neath port talbot bridgend llandudno
rhyl wrexham gwynedd powys ceredigion pembrokeshire anglesey ynys môn bay
ok thanks yes no not none nothing everything everyone someone anyone
i'm i've i'd i'll we're we've they're it's that's there's don't can't won't didn't doesn't isn't wasn't
mae roedd oedd ydy yw ydw rwy rydw dw dwi roeddwn bydd byddai fydd dylai gallai hoffwn cefais ces cafodd cawson
daeth aeth gwnaeth dywedodd siaradais siaradodd helpodd nid ni does doedd dydy dyw mi fe ond ac yn yr o am gyda
pan os er hefyd felly dyma dyna sut pam beth pwy ble plis da gwych iawn ardderchog cadair
`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

// Words after a capitalised run that make it an organisation or a place, not a person ("Cardiff Council").
export const ORG_PLACE_FOLLOWERS = new Set(
  `
council hospital centre center clinic surgery practice school college university academy library museum church
chapel mosque temple station airport bank trust services service department office team group company ltd limited
plc inc llc corp corporation association society club foundation institute board authority agency ministry
partnership network project programme centre leisure pool park gardens street road avenue lane drive close way
court place crescent terrace square hill house hall building estate ward unit health care housing homes home
shop store market cafe café restaurant hotel pub inn bar theatre cinema gallery stadium arena
`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

// Honorifics that introduce a name; the title itself stays outside the span.
export const TITLES = new Set(
  'mr mrs ms miss mx dr doctor prof professor sir dame lady lord rev reverend fr father sister nurse capt captain cllr councillor madam mister master'.split(
    ' ',
  ),
);

export const NAME_PARTICLES = new Set(
  'van von de da di del della der den ten ter le la du dos das bin ibn al el ap mac st'.split(' '),
);

export const NAME_SUFFIXES = new Set('jr jr. sr sr. ii iii iv'.split(' '));

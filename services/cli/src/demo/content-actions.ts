import type { DemoAction, DemoPublication } from './content-types.ts';

const MANAGER = 'customer.insight@demo.closeloop.test';
const OFFICER = 'service.lead@demo.closeloop.test';

/** What the council did (or decided not to do) about what residents said. */
export const actions: DemoAction[] = [
  {
    key: 'library_saturday_hours',
    title: 'Central Library open until 5pm on Saturdays',
    titleCy: 'Y Llyfrgell Ganolog ar agor tan 5pm ar ddydd Sadwrn',
    description:
      'Saturday opening at Central Library moved from 10am–1pm to 10am–5pm, staffed by moving two weekday evening shifts that had the lowest visitor numbers.',
    status: 'done',
    themeKeys: ['access', 'facilities.library'],
    servicePoints: ['central_library'],
    ownerEmail: OFFICER,
    dueDaysFromNow: -85,
    completedDaysAgo: 80,
    publicStatement:
      'You told us the library closed too early on Saturdays for working people and families. Since the spring, Central Library has been open until 5pm every Saturday.',
    publicStatementCy:
      "Fe ddywedoch chi wrthym fod y llyfrgell yn cau'n rhy gynnar ar ddydd Sadwrn i bobl sy'n gweithio ac i deuluoedd. Ers y gwanwyn, mae'r Llyfrgell Ganolog ar agor tan 5pm bob dydd Sadwrn.",
    impact: [
      { name: 'Saturday opening hours at Central Library', unit: 'hours', before: 3, after: 7 },
      { name: 'Average Saturday visits to Central Library', unit: 'visits', before: 290, after: 470 },
    ],
    linkedFeedbackKeys: [
      'w-013',
      'w-014',
      'w-015',
      's-001',
      's-002',
      's-004',
      's-010',
      's-013',
      's-016',
      's-018',
      's-021',
      'cc-001',
      'cc-003',
      'em-01',
      'crm-03',
      'ph-03',
      'sm-03',
    ],
  },
  {
    key: 'contact_centre_waits',
    title: 'More call handlers at peak times and a call-back option on the contact centre line',
    titleCy: 'Mwy o staff yn ateb galwadau ar yr adegau prysuraf, a dewis i gael galwad yn ôl',
    description:
      'Rotas changed so that Monday mornings and lunchtimes have four more advisers; callers waiting more than five minutes are offered a call-back in the same queue position.',
    status: 'done',
    themeKeys: ['waiting'],
    servicePoints: ['contact_centre'],
    ownerEmail: MANAGER,
    dueDaysFromNow: -50,
    completedDaysAgo: 45,
    publicStatement:
      'You told us you were waiting far too long on the phone. We now have more advisers at the busiest times and offer a call-back instead of holding: the average wait has halved.',
    publicStatementCy:
      "Fe ddywedoch chi wrthym eich bod yn aros yn llawer rhy hir ar y ffôn. Mae gennym fwy o ymgynghorwyr ar yr adegau prysuraf erbyn hyn, ac rydym yn cynnig galwad yn ôl yn lle aros: mae'r amser aros ar gyfartaledd wedi haneru.",
    impact: [
      { name: 'Average wait at the contact centre', unit: 'minutes', before: 25, after: 12 },
      { name: 'Calls abandoned before they were answered', unit: '%', before: 31, after: 14 },
    ],
    linkedFeedbackKeys: ['w-023', 'w-024', 'cp-02', 'cp-17', 'em-03', 'crm-05', 'fg-01', 'ph-02', 'sm-02', 's-031'],
  },
  {
    key: 'parc_y_dwr_showers',
    title: 'New water heater for the Parc y Dŵr changing rooms',
    titleCy: 'Gwresogydd dŵr newydd i ystafelloedd newid Parc y Dŵr',
    description:
      "The failing calorifier serving the men's and family changing rooms replaced; shower temperatures now logged every morning before opening.",
    status: 'done',
    themeKeys: ['facilities'],
    servicePoints: ['parc_y_dwr'],
    ownerEmail: OFFICER,
    dueDaysFromNow: -25,
    completedDaysAgo: 20,
    publicStatement:
      'You told us the showers at Parc y Dŵr were cold. We replaced the water heater and now check the shower temperature every morning before we open.',
    publicStatementCy:
      'Fe ddywedoch chi wrthym fod y cawodydd ym Mharc y Dŵr yn oer. Rydym wedi gosod gwresogydd dŵr newydd ac rydym yn gwirio tymheredd y cawodydd bob bore cyn agor.',
    impact: [
      { name: 'Complaints about cold showers', unit: 'per month', before: 11, after: 1 },
      { name: 'Shower water temperature at 7am', unit: '°C', before: 31, after: 41 },
    ],
    linkedFeedbackKeys: [
      'w-019',
      'w-020',
      's-041',
      's-047',
      'cc-012',
      'cc-015',
      'cc-017',
      'cp-05',
      'em-05',
      'crm-07',
      'sm-06',
    ],
  },
  {
    key: 'parc_y_dwr_accessible_toilets',
    title: 'Accessible toilets at Parc y Dŵr repaired and checked every day',
    titleCy: "Toiledau hygyrch Parc y Dŵr wedi'u trwsio ac yn cael eu gwirio bob dydd",
    description:
      'Both accessible toilets repaired, alarm cords replaced to reach the floor, the accessible changing room cleared of storage, and a daily check added to the duty manager opening list.',
    status: 'done',
    themeKeys: ['accessibility', 'facilities'],
    servicePoints: ['parc_y_dwr'],
    ownerEmail: OFFICER,
    dueDaysFromNow: -30,
    completedDaysAgo: 25,
    publicStatement:
      'You told us the accessible toilets at Parc y Dŵr were often out of order. Both are repaired, and the duty manager now checks them every morning.',
    publicStatementCy:
      "Fe ddywedoch chi wrthym fod y toiledau hygyrch ym Mharc y Dŵr allan o drefn yn aml. Mae'r ddau wedi'u trwsio, ac mae'r rheolwr ar ddyletswydd yn eu gwirio bob bore.",
    impact: [{ name: 'Days an accessible toilet was out of order', unit: 'days per month', before: 18, after: 0 }],
    linkedFeedbackKeys: ['w-021', 'w-060', 's-043', 'cc-013', 'cp-14', 'em-09', 'crm-09', 'ph-05'],
  },
  {
    key: 'mill_lane_round',
    title: 'Mill Lane bin round redesigned, with no parking on collection mornings',
    titleCy: 'Rownd biniau Lôn y Felin wedi’i hailgynllunio, heb barcio ar fore casglu',
    description:
      'Following the bin collections consultation, the Mill Lane round now starts at the top of the lane with a smaller vehicle, and a 7am–10am no-parking order applies on Tuesdays.',
    status: 'done',
    themeKeys: ['environment.waste'],
    servicePoints: ['waste_collections'],
    ownerEmail: MANAGER,
    dueDaysFromNow: -40,
    completedDaysAgo: 35,
    publicStatement:
      'You told us bins on Mill Lane were missed again and again. We redesigned the round with a smaller lorry and stopped parking on collection mornings; missed collections have almost stopped.',
    publicStatementCy:
      "Fe ddywedoch chi wrthym fod biniau Lôn y Felin yn cael eu methu dro ar ôl tro. Rydym wedi ailgynllunio'r rownd gyda lori lai ac wedi atal parcio ar fore casglu; prin fod unrhyw gasgliad yn cael ei fethu erbyn hyn.",
    impact: [{ name: 'Missed collections reported on the Mill Lane round', unit: 'per month', before: 41, after: 5 }],
    linkedFeedbackKeys: [
      'w-026',
      'w-027',
      'w-028',
      's-023',
      's-028',
      's-032',
      's-040',
      'cp-03',
      'cp-12',
      'em-02',
      'crm-02',
      'ph-01',
      'sm-01',
      'cc-035',
    ],
  },
  {
    key: 'station_road_resurfacing',
    title: 'Station Road resurfaced between the railway bridge and the Co-op',
    titleCy: 'Wyneb newydd i Heol yr Orsaf rhwng pont y rheilffordd a’r Co-op',
    description:
      'Full-depth resurfacing of the worst 400 metres of Station Road, done overnight, instead of another temporary patch.',
    status: 'done',
    themeKeys: ['roads'],
    servicePoints: ['highways'],
    ownerEmail: OFFICER,
    dueDaysFromNow: -28,
    completedDaysAgo: 22,
    publicStatement:
      'You told us the potholes on Station Road were dangerous. We resurfaced the worst stretch overnight rather than patching it again.',
    publicStatementCy:
      'Fe ddywedoch chi wrthym fod y tyllau yn Heol yr Orsaf yn beryglus. Rydym wedi rhoi wyneb newydd ar y darn gwaethaf dros nos yn lle ei glytio eto.',
    impact: [{ name: 'Pothole reports on Station Road', unit: 'per month', before: 9, after: 0 }],
    linkedFeedbackKeys: ['w-035', 'w-036', 'cp-08', 'em-08', 'crm-08', 'ph-08', 'sm-05'],
  },
  {
    key: 'parking_app_fixes',
    title: 'Fix the parking payment app and bring back a way to pay without a smartphone',
    titleCy: 'Trwsio’r ap talu am barcio a chynnig ffordd o dalu heb ffôn clyfar',
    description:
      'With the supplier: fix double charging and the login loop, cancel penalty notices issued during failed payments, refund duplicate charges, add Welsh, recognise blue badges, and reinstate one pay machine and a pay-by-phone line in every car park.',
    status: 'in_progress',
    themeKeys: ['transport.parking', 'digital'],
    servicePoints: ['highways', 'contact_centre'],
    ownerEmail: MANAGER,
    dueDaysFromNow: 21,
    publicStatement:
      'You told us the new parking app charges twice, fails at the machine-free car parks and shuts out people without a smartphone. We are cancelling fines issued when the app failed, refunding double charges and putting a pay machine and a pay-by-phone line back in every car park.',
    publicStatementCy:
      'Fe ddywedoch chi wrthym fod yr ap parcio newydd yn codi tâl ddwywaith, yn methu yn y meysydd parcio heb beiriannau ac yn cau allan pobl heb ffôn clyfar. Rydym yn canslo dirwyon a roddwyd pan fethodd yr ap, yn ad-dalu taliadau dwbl ac yn rhoi peiriant talu a llinell dalu dros y ffôn yn ôl ym mhob maes parcio.',
    impact: [],
    linkedFeedbackKeys: [
      'w-001',
      'w-002',
      'w-004',
      'w-005',
      'w-044',
      'w-046',
      'w-047',
      'cp-22',
      'cp-23',
      'cp-24',
      'cp-25',
      'cp-27',
      'em-17',
      'em-18',
      'em-19',
      'em-20',
      'crm-11',
      'crm-12',
      'ph-11',
      'ph-13',
      'sm-19',
      'sm-20',
      'cc-029',
      'cc-030',
    ],
  },
  {
    key: 'damp_mould_repairs',
    title: 'Damp and mould: inspection within 10 working days and the cause fixed, not painted over',
    titleCy: 'Lleithder a llwydni: archwiliad o fewn 10 diwrnod gwaith a thrwsio’r achos, nid peintio drosto',
    description:
      'Every damp or mould report gets a surveyor visit within 10 working days; the repair order must name the cause (leak, ventilation, insulation) and a follow-up visit checks it six weeks later.',
    status: 'planned',
    themeKeys: ['housing.repairs'],
    servicePoints: ['housing_repairs'],
    ownerEmail: MANAGER,
    dueDaysFromNow: 45,
    publicStatement:
      'You told us damp and mould reports waited months and the mould came back after it was painted over. From next month every report will get a surveyor visit within 10 working days and the cause will be fixed.',
    publicStatementCy:
      "Fe ddywedoch chi wrthym fod adroddiadau am leithder a llwydni yn aros am fisoedd a bod y llwydni'n dod yn ôl ar ôl ei beintio. O fis nesaf ymlaen, bydd syrfëwr yn ymweld o fewn 10 diwrnod gwaith â phob adroddiad a bydd yr achos yn cael ei drwsio.",
    impact: [{ name: 'Average days from damp report to inspection', unit: 'days', before: 47, after: 10 }],
    linkedFeedbackKeys: [
      'w-031',
      'w-032',
      'w-033',
      'cp-01',
      'cp-06',
      'cp-11',
      'cp-20',
      'cp-26',
      'em-06',
      'crm-04',
      'sm-10',
      'ph-06',
    ],
  },
  {
    key: 'welsh_online_forms',
    title: 'Every online form available in Welsh',
    titleCy: 'Pob ffurflen ar-lein ar gael yn Gymraeg',
    description:
      'Translate the 38 online forms that still switch to English, fix the language switcher so it keeps the page, and test every form in Welsh before release.',
    status: 'planned',
    themeKeys: ['language', 'digital'],
    servicePoints: ['website'],
    ownerEmail: OFFICER,
    dueDaysFromNow: 90,
    publicStatement:
      'You told us our online forms switch to English halfway through. We are translating every remaining form and fixing the language button so it keeps you on the same page.',
    publicStatementCy:
      "Fe ddywedoch chi wrthym fod ein ffurflenni ar-lein yn troi i'r Saesneg hanner ffordd drwodd. Rydym yn cyfieithu pob ffurflen sy'n weddill ac yn trwsio'r botwm iaith fel eich bod yn aros ar yr un dudalen.",
    impact: [],
    linkedFeedbackKeys: ['w-042', 'w-043', 'em-15', 'fg-11', 'sm-09'],
  },
  {
    key: 'welsh_phone_line',
    title: 'A Welsh-language phone line answered as quickly as the English one',
    titleCy: "Llinell ffôn Gymraeg sy'n cael ei hateb yr un mor gyflym â'r un Saesneg",
    description:
      'Proposal: train four more contact centre advisers to answer in Welsh and route Welsh calls to the front of their queue, so that choosing Welsh never means a longer wait.',
    status: 'proposed',
    themeKeys: ['language', 'waiting'],
    servicePoints: ['contact_centre'],
    ownerEmail: MANAGER,
    dueDaysFromNow: 120,
    publicStatement:
      'You told us choosing Welsh on the phone means waiting longer. We are looking at training more Welsh-speaking advisers so that it never does.',
    publicStatementCy:
      "Fe ddywedoch chi wrthym fod dewis y Gymraeg ar y ffôn yn golygu aros yn hirach. Rydym yn ystyried hyfforddi mwy o ymgynghorwyr sy'n siarad Cymraeg fel na fydd hynny'n digwydd.",
    impact: [],
    linkedFeedbackKeys: ['em-04', 'fg-12', 'crm-06', 'cc-024'],
  },
  {
    key: 'town_hall_saturday_counter',
    title: 'Open the Town Hall counter on Saturday mornings',
    titleCy: 'Agor cownter Neuadd y Dref ar fore Sadwrn',
    description: 'Requested by residents who work during the week and cannot get to an appointment on a weekday.',
    status: 'declined',
    themeKeys: ['access', 'access.appointments'],
    servicePoints: ['town_hall'],
    ownerEmail: MANAGER,
    dueDaysFromNow: -10,
    declinedReason:
      'A Saturday counter trial in 2024 saw fewer than 12 visitors a morning at a cost of £38,000 a year. That money funds the call-back service and the weekday digital drop-ins at Mill Lane Community Hub, which reach far more people; evening appointments on Thursdays remain available.',
    publicStatement:
      'You asked us to open the Town Hall counter on Saturday mornings. We have decided not to: a trial drew fewer than 12 visitors a morning. Instead we offer Thursday evening appointments and phone call-backs at a time that suits you.',
    publicStatementCy:
      "Fe ofynnoch chi i ni agor cownter Neuadd y Dref ar fore Sadwrn. Rydym wedi penderfynu peidio: daeth llai na 12 o ymwelwyr bob bore yn ystod cyfnod prawf. Yn hytrach, rydym yn cynnig apwyntiadau ar nos Iau a galwadau yn ôl ar adeg sy'n gyfleus i chi.",
    impact: [],
    linkedFeedbackKeys: ['cc-027', 'cp-04', 'fg-03', 'cc-025', 'w-051'],
  },
];

export const publications: DemoPublication[] = [
  {
    key: 'pub_library_hours',
    themeKey: 'access',
    actionKeys: ['library_saturday_hours', 'town_hall_saturday_counter'],
    state: 'published',
    publishedDaysAgo: 60,
    summary:
      'Library users, parents and people who work weekdays told us, in the library survey and on comment cards, that Saturday closing at 1pm shut them out. Several also asked for the Town Hall counter to open on Saturdays.',
    summaryCy:
      "Dywedodd defnyddwyr y llyfrgell, rhieni a phobl sy'n gweithio yn ystod yr wythnos wrthym, yn yr arolwg llyfrgelloedd ac ar gardiau sylwadau, fod cau am 1pm ar ddydd Sadwrn yn eu cau allan. Gofynnodd rhai hefyd am agor cownter Neuadd y Dref ar ddydd Sadwrn.",
    quotes: ['s-004', 'cc-001', 'w-015'],
  },
  {
    key: 'pub_contact_centre',
    themeKey: 'waiting',
    actionKeys: ['contact_centre_waits'],
    state: 'published',
    publishedDaysAgo: 30,
    summary:
      'Residents of every age told us they waited half an hour or more to get through on the phone, and some gave up. Older residents told us the phone is often the only way they can reach us.',
    summaryCy:
      "Dywedodd preswylwyr o bob oed wrthym eu bod yn aros hanner awr neu fwy i gael ateb ar y ffôn, a bod rhai wedi rhoi'r gorau iddi. Dywedodd preswylwyr hŷn mai'r ffôn yn aml yw'r unig ffordd y gallan nhw gysylltu â ni.",
    quotes: ['fg-01', 'em-03', 'w-024'],
  },
  {
    key: 'pub_bins',
    themeKey: 'environment.waste',
    actionKeys: ['mill_lane_round'],
    state: 'published',
    publishedDaysAgo: 14,
    summary:
      'Mill Lane residents told us through the bins consultation, complaints and social media that their bins were missed again and again, and that the lorry could not get past parked cars.',
    summaryCy:
      "Dywedodd trigolion Lôn y Felin wrthym drwy'r ymgynghoriad biniau, cwynion a'r cyfryngau cymdeithasol fod eu biniau'n cael eu methu dro ar ôl tro, ac nad oedd y lori'n gallu mynd heibio i geir wedi'u parcio.",
    quotes: ['s-040', 'cp-12', 'w-026'],
  },
  {
    key: 'pub_leisure_facilities',
    themeKey: 'facilities',
    actionKeys: ['parc_y_dwr_showers', 'parc_y_dwr_accessible_toilets'],
    state: 'approved',
    summary:
      'Swimmers told us the showers at Parc y Dŵr were cold for months, and disabled visitors told us the accessible toilets were out of order too often.',
    summaryCy:
      'Dywedodd nofwyr wrthym fod y cawodydd ym Mharc y Dŵr yn oer am fisoedd, a dywedodd ymwelwyr anabl wrthym fod y toiledau hygyrch allan o drefn yn rhy aml.',
    quotes: ['w-020', 'cc-015', 'em-09'],
  },
  {
    key: 'pub_parking_app',
    themeKey: 'transport.parking',
    actionKeys: ['parking_app_fixes'],
    state: 'draft',
    summary:
      'Since the parking app replaced pay machines three weeks ago, residents have told us on every channel about double charges, fines issued while the app failed, no Welsh, and no way to pay without a smartphone.',
    summaryCy:
      "Ers i'r ap parcio gymryd lle'r peiriannau talu dair wythnos yn ôl, mae preswylwyr wedi dweud wrthym drwy bob sianel am daliadau dwbl, dirwyon a roddwyd pan fethodd yr ap, dim Cymraeg, a dim ffordd o dalu heb ffôn clyfar.",
    quotes: ['w-004', 'sm-20', 'w-045'],
  },
];

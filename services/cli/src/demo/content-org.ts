import type {
  DemoCustomerGroup,
  DemoEngagement,
  DemoOrganisation,
  DemoServicePoint,
  DemoStaff,
} from './content-types.ts';

export const organisation: DemoOrganisation = {
  slug: 'demo',
  name: 'Demo Borough Council',
  nameCy: 'Cyngor Bwrdeistref Demo',
  languages: ['en', 'cy'],
  defaultLanguage: 'en',
  brandColour: '#0f5e63',
  kAnonymityThreshold: 5,
  publicUrlPath: '/demo/you-said-we-did',
};

/**
 * Each resident is counted once, in the group the council's service-planning profile puts them in.
 * Young people, minority ethnic communities and carers are deliberately thin in the feedback below,
 * so the representation review has someone to show as not being heard.
 */
export const customerGroups: DemoCustomerGroup[] = [
  { key: 'older_people', name: 'Older people (65+)', nameCy: 'Pobl hŷn (65+)', populationShare: 0.2 },
  { key: 'young_people', name: 'Young people (16–24)', nameCy: 'Pobl ifanc (16–24)', populationShare: 0.12 },
  { key: 'families', name: 'Families with children', nameCy: 'Teuluoedd â phlant', populationShare: 0.18 },
  { key: 'disabled', name: 'Disabled residents', nameCy: 'Preswylwyr anabl', populationShare: 0.1 },
  { key: 'welsh_speakers', name: 'Welsh speakers', nameCy: 'Siaradwyr Cymraeg', populationShare: 0.12 },
  {
    key: 'minority_ethnic',
    name: 'Minority ethnic communities',
    nameCy: 'Cymunedau lleiafrifoedd ethnig',
    populationShare: 0.07,
  },
  { key: 'carers', name: 'Unpaid carers', nameCy: 'Gofalwyr di-dâl', populationShare: 0.06 },
  { key: 'working_age', name: 'Working-age adults', nameCy: 'Oedolion oed gweithio', populationShare: 0.15 },
];

export const servicePoints: DemoServicePoint[] = [
  { key: 'central_library', name: 'Central Library', nameCy: 'Llyfrgell Ganolog', kind: 'branch' },
  { key: 'parc_y_dwr', name: 'Parc y Dŵr Leisure Centre', nameCy: 'Canolfan Hamdden Parc y Dŵr', kind: 'branch' },
  {
    key: 'town_hall',
    name: 'Town Hall Customer Service Centre',
    nameCy: 'Canolfan Gwasanaethau Cwsmeriaid Neuadd y Dref',
    kind: 'location',
  },
  {
    key: 'recycling_centre',
    name: 'Household Waste Recycling Centre, Heol Ddu',
    nameCy: 'Canolfan Ailgylchu Gwastraff y Cartref, Heol Ddu',
    kind: 'location',
  },
  {
    key: 'waste_collections',
    name: 'Waste and Recycling Collections',
    nameCy: 'Casgliadau Gwastraff ac Ailgylchu',
    kind: 'department',
  },
  { key: 'housing_repairs', name: 'Housing Repairs', nameCy: 'Atgyweirio Tai', kind: 'department' },
  { key: 'highways', name: 'Highways and Parking', nameCy: 'Priffyrdd a Pharcio', kind: 'department' },
  { key: 'parks', name: 'Parks and Open Spaces', nameCy: 'Parciau a Mannau Agored', kind: 'department' },
  { key: 'website', name: 'Council Website', nameCy: 'Gwefan y Cyngor', kind: 'department' },
  { key: 'contact_centre', name: 'Contact Centre (phone)', nameCy: 'Canolfan Gyswllt (ffôn)', kind: 'department' },
  { key: 'mill_lane_hub', name: 'Mill Lane Community Hub', nameCy: 'Hyb Cymunedol Lôn y Felin', kind: 'branch' },
];

export const engagements: DemoEngagement[] = [
  {
    key: 'library_survey',
    title: 'Library users survey 2026',
    titleCy: 'Arolwg defnyddwyr llyfrgelloedd 2026',
    kind: 'survey',
    invitedCount: 1200,
    startDaysAgo: 130,
    endDaysAgo: 95,
    method: 'Paper questionnaire at the issue desk and an online form emailed to library card holders',
  },
  {
    key: 'bins_consultation',
    title: 'Changes to bin collections: have your say',
    titleCy: 'Newidiadau i gasgliadau biniau: dweud eich dweud',
    kind: 'consultation',
    invitedCount: 5400,
    startDaysAgo: 80,
    endDaysAgo: 45,
    method:
      'Online questionnaire, a leaflet with a freepost reply to every household on the affected rounds, two drop-in sessions',
  },
  {
    key: 'leisure_survey',
    title: 'Parc y Dŵr customer survey',
    titleCy: 'Arolwg cwsmeriaid Parc y Dŵr',
    kind: 'survey',
    invitedCount: 850,
    startDaysAgo: 40,
    endDaysAgo: null,
    method: 'QR code on posters in the centre and an email to members',
  },
  {
    key: 'older_residents_group',
    title: 'Older residents focus group: getting in touch with the council',
    titleCy: 'Grŵp ffocws preswylwyr hŷn: cysylltu â’r cyngor',
    kind: 'focus_group',
    invitedCount: 24,
    startDaysAgo: 52,
    endDaysAgo: 52,
    method: 'Facilitated two-hour session at Mill Lane Community Hub, with transport offered',
    customerGroups: ['older_people'],
  },
  {
    key: 'welsh_services_group',
    title: 'Welsh-language services focus group',
    titleCy: 'Grŵp ffocws gwasanaethau Cymraeg',
    kind: 'focus_group',
    invitedCount: 12,
    startDaysAgo: 33,
    endDaysAgo: 33,
    method: 'Evening session in Welsh at Central Library',
    customerGroups: ['welsh_speakers'],
  },
  {
    key: 'youth_forum',
    title: 'Youth forum: what would make you use council services?',
    titleCy: 'Fforwm ieuenctid: beth fyddai’n gwneud i chi ddefnyddio gwasanaethau’r cyngor?',
    kind: 'focus_group',
    invitedCount: 30,
    startDaysAgo: 12,
    endDaysAgo: 12,
    method: 'Session at the sixth-form college; only a handful came, so the method needs another look',
    customerGroups: ['young_people'],
  },
];

export const staff: DemoStaff[] = [
  { email: 'admin@demo.closeloop.test', name: 'Demo Administrator', role: 'admin' },
  { email: 'customer.insight@demo.closeloop.test', name: 'Customer Insight Manager', role: 'manager' },
  { email: 'service.lead@demo.closeloop.test', name: 'Service Improvement Officer', role: 'staff' },
  { email: 'councillor@demo.closeloop.test', name: 'Cabinet Member (read only)', role: 'viewer' },
];

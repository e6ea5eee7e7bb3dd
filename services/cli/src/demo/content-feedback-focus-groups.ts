import type { DemoFeedback, FeedbackDraft } from './content-types.ts';
import { onChannel } from './content-types.ts';

interface Session {
  engagement: string;
  session: string;
  participantCount: number;
  daysAgo: number;
  servicePoint: string;
  customerGroup: string;
  language: 'en' | 'cy';
  /** The facilitator's notes, one point each. */
  points: string[];
}

const sessions: Session[] = [
  {
    engagement: 'older_residents_group',
    session: 'Older residents, Mill Lane Community Hub',
    participantCount: 11,
    daysAgo: 52,
    servicePoint: 'mill_lane_hub',
    customerGroup: 'older_people',
    language: 'en',
    points: [
      'Most of the group would only ever contact the council by phone, and waits of half an hour or more on hold put them off calling at all.',
      "Several said the recorded message is too fast and the menu options don't match what they are ringing about.",
      'People valued the Town Hall counter and felt pushed online. They would accept appointments if the wait for one was a few days, not two weeks.',
      'The warm space and lunch club at Mill Lane hub came up again and again as the one place people feel welcome.',
      'Two participants had been helped to get online at the digital drop-in and now pay their council tax online; they would like more sessions.',
      'Letters are too long and full of jargon. One participant brought a council tax letter that nobody in the room could explain.',
      'Worry that pay machines will be removed from car parks: none of the group would use a parking app.',
      'Library home delivery and the large print collection were praised; the group asked for the longer Saturday opening to continue.',
      'Dropped kerbs on the route from the bus station to the high street are missing or broken, which matters to mobility scooter users.',
      'Renewing bus passes and blue badges online only is a real barrier; people want to be able to post a paper form.',
    ],
  },
  {
    engagement: 'welsh_services_group',
    session: 'Grŵp ffocws gwasanaethau Cymraeg, Llyfrgell Ganolog',
    participantCount: 9,
    daysAgo: 33,
    servicePoint: 'central_library',
    customerGroup: 'welsh_speakers',
    language: 'cy',
    points: [
      "Roedd pawb yn cytuno bod y wefan Gymraeg yn anghyflawn: mae'r tudalennau'n Gymraeg ond mae'r ffurflenni'n troi i'r Saesneg hanner ffordd drwodd.",
      "Mae dewis y gwasanaeth Cymraeg ar y ffôn yn golygu aros yn hirach, felly mae rhai'n dewis Saesneg er mwyn cael ateb yn gynt.",
      'Canmoliaeth fawr i staff y llyfrgell am eu Cymraeg naturiol a chroesawgar.',
      "Mae llythyrau'r dreth gyngor yn dal i gyrraedd yn Saesneg er bod pobl wedi gofyn am Gymraeg ers blynyddoedd.",
      "Awgrym: bathodyn 'Iaith Gwaith' ar staff sy'n siarad Cymraeg yn Neuadd y Dref, fel bod pobl yn gwybod at bwy i fynd.",
    ],
  },
  {
    engagement: 'youth_forum',
    session: 'Youth forum, sixth-form college',
    participantCount: 4,
    daysAgo: 12,
    servicePoint: 'mill_lane_hub',
    customerGroup: 'young_people',
    language: 'en',
    points: [
      "None of the four had ever contacted the council; they didn't know what it does beyond bins and schools.",
      'They would give feedback through Instagram or a QR code, never by email or phone.',
      'The last bus from the college leaves at 6pm, so the evening sessions at the leisure centre are out of reach.',
      'They want somewhere to study after school on weekdays; the library closing at 6 is too early in exam season.',
      'The skate park in Victoria Park is covered in glass and litter on Monday mornings and nobody seems to clean it.',
    ],
  },
];

const drafts: FeedbackDraft<'focus_group'>[] = sessions
  .flatMap((session) => session.points.map((text, index) => ({ session, text, pointNumber: index + 1 })))
  .map(({ session, text, pointNumber }, n) => ({
    key: `fg-${String(n + 1).padStart(2, '0')}`,
    daysAgo: session.daysAgo,
    text,
    language: session.language,
    engagement: session.engagement,
    servicePoint: session.servicePoint,
    customerGroup: session.customerGroup,
    details: { session: session.session, participantCount: session.participantCount, pointNumber },
  }));

export const focusGroupFeedback: DemoFeedback[] = onChannel('focus_group', drafts);

import type { DemoFeedback, FeedbackDraft } from './content-types.ts';
import { onChannel } from './content-types.ts';

type Platform = 'mastodon' | 'bluesky';

interface Post {
  key: string;
  daysAgo: number;
  platform: Platform;
  handle: string;
  text: string;
  language?: 'cy';
  servicePoint?: string;
}

/** Public posts that mention the council, picked up by the social listening import. */
const posts: Post[] = [
  {
    key: 'sm-01',
    daysAgo: 179,
    platform: 'mastodon',
    handle: 'millane_mum',
    servicePoint: 'waste_collections',
    text: "Anyone else's bins not been collected on Mill Lane? Third week running. @DemoBoroughCouncil sort it out",
  },
  {
    key: 'sm-02',
    daysAgo: 158,
    platform: 'bluesky',
    handle: 'rhys-runs',
    servicePoint: 'contact_centre',
    text: 'Demo Borough Council contact centre hold music is now burned into my brain. 42 minutes on hold and counting.',
  },
  {
    key: 'sm-03',
    daysAgo: 141,
    platform: 'mastodon',
    handle: 'bookishdad',
    servicePoint: 'central_library',
    text: 'Lovely Saturday morning at Central Library with the little one. Shame they kick you out at 1pm.',
  },
  {
    key: 'sm-04',
    daysAgo: 126,
    platform: 'bluesky',
    handle: 'llyfrau-lleol',
    language: 'cy',
    servicePoint: 'central_library',
    text: 'Llongyfarchiadau i staff y Llyfrgell Ganolog am noson lansio llyfr wych neithiwr. Braf gweld cymaint o bobl yno.',
  },
  {
    key: 'sm-05',
    daysAgo: 112,
    platform: 'mastodon',
    handle: 'cyclingcommuter',
    servicePoint: 'highways',
    text: 'The Station Road pothole now has its own ecosystem. A traffic cone has been sitting in it since Tuesday. #DemoBorough',
  },
  {
    key: 'sm-06',
    daysAgo: 103,
    platform: 'bluesky',
    handle: 'lengths-before-work',
    servicePoint: 'parc_y_dwr',
    text: 'The showers at Parc y Dŵr are colder than the pool. Three months of this now. Sort the heating out.',
  },
  {
    key: 'sm-07',
    daysAgo: 94,
    platform: 'mastodon',
    handle: 'heolfach_neighbour',
    servicePoint: 'waste_collections',
    text: 'Fair play to the bin crew on Heol Fach who waited while my neighbour got her bin out with her walking frame. Kindness matters.',
  },
  {
    key: 'sm-08',
    daysAgo: 85,
    platform: 'bluesky',
    handle: 'parkrunner-dbc',
    servicePoint: 'parks',
    text: 'Victoria Park this morning: pizza boxes, cans and a shopping trolley. Litter bins full since Friday. Not a good look.',
  },
  {
    key: 'sm-09',
    daysAgo: 79,
    platform: 'mastodon',
    handle: 'siaradwr_balch',
    language: 'cy',
    servicePoint: 'website',
    text: 'Pam fod ffurflenni ar-lein y cyngor yn Saesneg yn unig? Mae gennym ni hawl i wasanaeth Cymraeg. #Cymraeg',
  },
  {
    key: 'sm-10',
    daysAgo: 68,
    platform: 'bluesky',
    handle: 'tenant-tales',
    servicePoint: 'housing_repairs',
    text: "Mould back in the kids' room. Housing repairs said 'ventilate more'. It's January. The windows are open and it's still there.",
  },
  {
    key: 'sm-11',
    daysAgo: 86,
    platform: 'mastodon',
    handle: 'bookishdad',
    servicePoint: 'central_library',
    text: 'Central Library will be open till 5 on Saturdays from next week! Finally. Well done to whoever pushed for that.',
  },
  {
    key: 'sm-12',
    daysAgo: 40,
    platform: 'bluesky',
    handle: 'rhys-runs',
    servicePoint: 'contact_centre',
    text: 'Just got through to the council in 8 minutes. Must be a record. Pleasant call handler too.',
  },
  {
    key: 'sm-13',
    daysAgo: 43,
    platform: 'mastodon',
    handle: 'diy_disaster',
    servicePoint: 'recycling_centre',
    text: 'Tip on a Sunday: queue down to the roundabout. Book a slot, they said. No slots, they said.',
  },
  {
    key: 'sm-14',
    daysAgo: 36,
    platform: 'bluesky',
    handle: 'grumpy-ratepayer',
    servicePoint: 'website',
    text: "Council tax online account: 'Something went wrong.' Yes. Yes it did.",
  },
  {
    key: 'sm-15',
    daysAgo: 26,
    platform: 'mastodon',
    handle: 'lon_y_felin',
    language: 'cy',
    servicePoint: 'waste_collections',
    text: "Diolch i'r criw biniau ar Lôn y Felin. Maen nhw wedi bod yma ar amser bob wythnos ers y newid. Gwahaniaeth mawr.",
  },
  {
    key: 'sm-16',
    daysAgo: 21,
    platform: 'bluesky',
    handle: 'cyclingcommuter',
    servicePoint: 'highways',
    text: 'Road crew resurfaced Station Road overnight. Smooth as anything. Credit where it’s due.',
  },
  {
    key: 'sm-17',
    daysAgo: 20,
    platform: 'mastodon',
    handle: 'privacy_first_pete',
    servicePoint: 'highways',
    text: 'The new council parking app wants my date of birth, email, phone number and access to my contacts. To pay £1.20 to park.',
  },
  {
    key: 'sm-18',
    daysAgo: 18,
    platform: 'bluesky',
    handle: 'school-run-sam',
    servicePoint: 'highways',
    text: 'Parking app in Riverside car park: spinning wheel, spinning wheel, error. Meanwhile the warden is circling.',
  },
  {
    key: 'sm-19',
    daysAgo: 16,
    platform: 'mastodon',
    handle: 'townwatcher',
    servicePoint: 'highways',
    text: "They removed every pay and display machine in town and the parking app doesn't work on older iPhones. Brilliant planning. #DemoBorough",
  },
  {
    key: 'sm-20',
    daysAgo: 13,
    platform: 'bluesky',
    handle: 'caryl-cymraeg',
    language: 'cy',
    servicePoint: 'highways',
    text: 'Yr ap parcio newydd: dim Cymraeg, dim peiriant talu, dim signal yn y maes parcio tanddaearol. Sut mae talu?',
  },
  {
    key: 'sm-21',
    daysAgo: 12,
    platform: 'mastodon',
    handle: 'delivery_dai',
    servicePoint: 'highways',
    text: 'Is the parking app down or is it just me? Third car park today.',
  },
  {
    key: 'sm-22',
    daysAgo: 10,
    platform: 'bluesky',
    handle: 'grumpy-ratepayer',
    servicePoint: 'highways',
    text: "Got a parking fine because the app said payment 'pending' for 20 minutes. The appeal form is a PDF you have to print. In 2026.",
  },
  {
    key: 'sm-23',
    daysAgo: 7,
    platform: 'mastodon',
    handle: 'swim_parent',
    servicePoint: 'parc_y_dwr',
    text: 'Shout out to the lifeguards at Parc y Dŵr. Proper professionals with a pool full of screaming kids at the half-term fun session.',
  },
  {
    key: 'sm-24',
    daysAgo: 5,
    platform: 'bluesky',
    handle: 'townwatcher-too',
    servicePoint: 'highways',
    text: 'Half the town is complaining about the parking app on the community group. Has the council actually tested this thing?',
  },
  {
    key: 'sm-25',
    daysAgo: 3,
    platform: 'mastodon',
    handle: 'delivery_dai',
    servicePoint: 'highways',
    text: 'Parking app charged me for 24 hours instead of 2. Still waiting for a refund and there is no one to call.',
  },
  {
    key: 'sm-26',
    daysAgo: 3,
    platform: 'bluesky',
    handle: 'wyres-falch',
    language: 'cy',
    servicePoint: 'highways',
    text: "Mam-gu wedi cael dirwy parcio am nad yw hi'n gallu defnyddio'r ap newydd. Mae hi'n 86 oed. Cywilydd.",
  },
  {
    key: 'sm-27',
    daysAgo: 2,
    platform: 'mastodon',
    handle: 'parkrunner_dbc',
    servicePoint: 'parks',
    text: 'Victoria Park looks fab after the litter pick on Saturday. Thanks to the volunteers and the parks team.',
  },
  {
    key: 'sm-28',
    daysAgo: 1,
    platform: 'bluesky',
    handle: 'school-run-sam',
    servicePoint: 'highways',
    text: 'The parking app has 1.6 stars on the app store for a reason. Bring back the machines.',
  },
  {
    key: 'sm-29',
    daysAgo: 0,
    platform: 'mastodon',
    handle: 'townwatcher',
    servicePoint: 'highways',
    text: 'Parking app outage this morning. Queue of cars at the Riverside barrier backing onto the main road.',
  },
  {
    key: 'sm-30',
    daysAgo: 0,
    platform: 'bluesky',
    handle: 'bookishdad',
    servicePoint: 'central_library',
    text: "Nice touch: the library has started a Saturday afternoon Lego club now that it's open later.",
  },
];

function postId(post: Post, index: number): string {
  return String(113_500_000_000 + (180 - post.daysAgo) * 1_000_003 + index * 7919);
}

const drafts: FeedbackDraft<'social_mention'>[] = posts.map((post, index) => {
  const id = postId(post, index);
  const mastodon = post.platform === 'mastodon';
  return {
    key: post.key,
    daysAgo: post.daysAgo,
    text: post.text,
    ...(post.language ? { language: post.language } : {}),
    ...(post.servicePoint ? { servicePoint: post.servicePoint } : {}),
    details: {
      platform: post.platform,
      postId: id,
      postUrl: mastodon
        ? `https://example.social/@${post.handle}/${id}`
        : `https://bsky.example.social/profile/${post.handle}.example.social/post/${id}`,
      authorHandle: mastodon ? `@${post.handle}@example.social` : `${post.handle}.example.social`,
      public: true,
    },
  };
});

export const socialFeedback: DemoFeedback[] = onChannel('social_mention', drafts);

import type { OrgBranding, YouSaidWeDidEntry } from '../src/types.ts';

export const demoOrg: OrgBranding = {
  slug: 'demo',
  name: 'Demo Borough Council',
  nameCy: 'Cyngor Bwrdeistref Demo',
  primaryColour: '#0b6e4f',
  logoUrl: null,
  languages: ['en', 'cy'],
};

export const baseUrl = 'https://feedback.example.gov.uk';

export function sampleEntries(): YouSaidWeDidEntry[] {
  return [
    {
      id: 'a1b2c3',
      themeName: 'Waiting times at the housing office',
      themeNameCy: 'Amseroedd aros yn y swyddfa dai',
      periodStart: new Date('2025-01-01T00:00:00Z'),
      periodEnd: new Date('2025-03-31T00:00:00Z'),
      youSaid: {
        summary:
          'People waited too long to be seen at the housing office, especially on Monday mornings, and often had to come back another day.',
        summaryCy:
          'Roedd pobl yn aros yn rhy hir i gael eu gweld yn y swyddfa dai, yn enwedig ar fore Llun, ac yn aml roedd rhaid iddynt ddod yn ôl ddiwrnod arall.',
        count: 142,
        previousCount: 115,
        channelMix: [
          { channel: 'comment_card', count: 61 },
          { channel: 'widget', count: 44 },
          { channel: 'phone', count: 25 },
          { channel: 'social_mention', count: 12 },
        ],
        sentiment: { positive: 12, neutral: 30, negative: 100 },
        quotes: [
          'I queued for an hour and a half on Monday and was told to come back tomorrow.',
          'The staff are lovely but there are only two of them at the desk.',
          'Could you let us book a time instead of queueing?',
        ],
      },
      weDid: [
        {
          title: 'Book an appointment online',
          titleCy: 'Trefnu apwyntiad ar-lein',
          statement:
            'You can now book a 15-minute slot at the housing office online or by phone, so you no longer have to queue.',
          statementCy:
            'Gallwch nawr drefnu slot 15 munud yn y swyddfa dai ar-lein neu dros y ffôn, felly does dim rhaid i chi giwio mwyach.',
          status: 'done',
          completedAt: new Date('2025-05-12T09:00:00Z'),
          impact: [
            { name: 'Average wait', unit: 'min', before: 25, after: 12 },
            { name: 'People turned away', unit: 'a week', before: 40, after: 6 },
          ],
        },
        {
          title: 'A third advisor on Monday mornings',
          titleCy: 'Trydydd cynghorydd ar fore Llun',
          statement: 'We are moving an advisor from Thursday afternoons, our quietest time, to Monday mornings.',
          statementCy: 'Rydym yn symud cynghorydd o brynhawn dydd Iau, ein hamser tawelaf, i fore Llun.',
          status: 'in_progress',
          impact: [],
        },
      ],
      servicePoint: 'Civic Centre housing office',
      publishedAt: new Date('2025-05-20T10:00:00Z'),
      updatedAt: new Date('2025-06-02T15:30:00Z'),
      version: 3,
    },
    {
      id: 'd4e5f6',
      themeName: 'Street lighting in Riverside Park',
      themeNameCy: 'Goleuadau stryd ym Mharc Glan yr Afon',
      periodStart: new Date('2025-01-01T00:00:00Z'),
      periodEnd: new Date('2025-03-31T00:00:00Z'),
      youSaid: {
        summary: 'The path through Riverside Park is dark after 5pm in winter and people feel unsafe walking home.',
        summaryCy:
          'Mae’r llwybr drwy Barc Glan yr Afon yn dywyll ar ôl 5pm yn y gaeaf ac mae pobl yn teimlo’n anniogel yn cerdded adref.',
        count: 3,
        suppressedBelow: 5,
        previousCount: 1,
        channelMix: [{ channel: 'email', count: 3 }],
        sentiment: null,
        quotes: ['I walk home from work through the park and it is pitch black by half five.'],
      },
      weDid: [
        {
          title: 'Lights along the whole path',
          titleCy: 'Goleuadau ar hyd y llwybr cyfan',
          statement: 'We looked at putting lights along the whole riverside path.',
          statementCy: 'Buom yn ystyried gosod goleuadau ar hyd llwybr glan yr afon i gyd.',
          status: 'declined',
          declinedReason:
            'the path is in a flood zone and Natural Resources Wales will not allow new cabling there. We have cut back the trees by the two entrances instead, and signposted the lit route along Mill Street.',
          declinedReasonCy:
            'mae’r llwybr mewn parth llifogydd ac ni fydd Cyfoeth Naturiol Cymru yn caniatáu ceblau newydd yno. Rydym wedi torri’r coed yn ôl wrth y ddwy fynedfa yn lle hynny, ac wedi gosod arwyddion i’r llwybr wedi’i oleuo ar hyd Stryd y Felin.',
          impact: [],
        },
      ],
      servicePoint: null,
      publishedAt: new Date('2025-04-28T10:00:00Z'),
      updatedAt: new Date('2025-04-28T10:00:00Z'),
      version: 1,
    },
    {
      id: 'g7h8i9',
      themeName: 'Missed bin collections',
      themeNameCy: null,
      periodStart: new Date('2025-02-01T00:00:00Z'),
      periodEnd: new Date('2025-04-30T00:00:00Z'),
      youSaid: {
        summary: 'Recycling collections were missed on several streets in Northfield after the new rounds started.',
        count: 57,
        previousCount: 80,
        channelMix: [
          { channel: 'widget', count: 30 },
          { channel: 'crm', count: 20 },
          { channel: 'email', count: 7 },
        ],
        sentiment: { positive: 2, neutral: 15, negative: 40 },
        quotes: [],
      },
      weDid: [
        {
          title: 'Fixed the Northfield round',
          statement: 'We re-planned the Northfield round and added the missing streets to the crews’ tablets.',
          status: 'planned',
          impact: [{ name: 'Missed collections', unit: 'a month', before: 57, after: null }],
        },
      ],
      servicePoint: 'Waste and recycling',
      publishedAt: new Date('2025-05-02T10:00:00Z'),
      updatedAt: new Date('2025-05-02T10:00:00Z'),
      version: 1,
    },
  ];
}

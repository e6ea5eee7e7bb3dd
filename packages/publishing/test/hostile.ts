import type { OrgBranding, YouSaidWeDidEntry } from '../src/types.ts';

export const XSS = '<script>alert("x")</script>';
export const XSS_ATTR = '" onmouseover="alert(1)';

/** An organisation and entry with a script in every text field. */
export const hostileOrg: OrgBranding = {
  slug: 'demo',
  name: `Org ${XSS}${XSS_ATTR}`,
  nameCy: `Cyngor ${XSS}`,
  primaryColour: `#fff;}</style>${XSS}`,
  logoUrl: 'javascript:alert(1)',
  languages: ['en', 'cy'],
};

export function hostileEntry(): YouSaidWeDidEntry {
  return {
    id: `id${XSS}`,
    themeName: `Theme ${XSS}`,
    themeNameCy: `Thema ${XSS}`,
    periodStart: new Date('2025-01-01T00:00:00Z'),
    periodEnd: new Date('2025-03-31T00:00:00Z'),
    youSaid: {
      summary: `Summary ${XSS}`,
      summaryCy: `Crynodeb ${XSS}`,
      count: 20,
      previousCount: 10,
      channelMix: [{ channel: `chan${XSS}`, count: 20 }],
      sentiment: { positive: 1, neutral: 1, negative: 1 },
      quotes: [`Quote ${XSS}`, `Quote two ${XSS_ATTR}`],
    },
    weDid: [
      {
        title: `Title ${XSS}`,
        titleCy: `Teitl ${XSS}`,
        statement: `Statement ${XSS}`,
        statementCy: `Datganiad ${XSS}`,
        status: 'declined',
        declinedReason: `Reason ${XSS}`,
        declinedReasonCy: `Rheswm ${XSS}`,
        completedAt: null,
        impact: [{ name: `Impact ${XSS}`, nameCy: `Effaith ${XSS}`, unit: `u${XSS}`, before: 1, after: 2 }],
      },
    ],
    servicePoint: `Point ${XSS}`,
    publishedAt: new Date('2025-04-01T00:00:00Z'),
    updatedAt: new Date('2025-04-02T00:00:00Z'),
    version: 1,
  };
}

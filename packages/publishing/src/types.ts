/** Plain data the public renderers take. The services map database rows to these shapes. */

export type Lang = 'en' | 'cy';

export interface OrgBranding {
  slug: string;
  name: string;
  nameCy?: string | null;
  /** `#rrggbb`; anything else falls back to the default brand colour. */
  primaryColour?: string | null;
  /** Absolute http(s) URL; anything else is ignored. */
  logoUrl?: string | null;
  languages: Lang[];
}

export type ActionStatus = 'proposed' | 'planned' | 'in_progress' | 'done' | 'declined';

export interface ImpactMeasure {
  name: string;
  nameCy?: string | null;
  unit: string;
  unitCy?: string | null;
  before: number | null;
  after: number | null;
}

export interface WeDidAction {
  title: string;
  titleCy?: string | null;
  statement: string;
  statementCy?: string | null;
  status: ActionStatus;
  declinedReason?: string | null;
  declinedReasonCy?: string | null;
  completedAt?: Date | null;
  impact: ImpactMeasure[];
}

export interface YouSaid {
  summary: string;
  summaryCy?: string | null;
  /** Null when the count is not shown at all. */
  count: number | null;
  /** The organisation's k when the real count is below it: rendered as "fewer than k". */
  suppressedBelow?: number | null;
  previousCount?: number | null;
  channelMix: { channel: string; count: number }[];
  sentiment?: { positive: number; neutral: number; negative: number } | null;
  /** Already approved by staff and redacted. */
  quotes: string[];
}

export interface YouSaidWeDidEntry {
  id: string;
  themeName: string;
  themeNameCy?: string | null;
  /** Inclusive period. */
  periodStart: Date;
  periodEnd: Date;
  youSaid: YouSaid;
  weDid: WeDidAction[];
  servicePoint?: string | null;
  publishedAt: Date;
  updatedAt: Date;
  version: number;
}

export interface Option {
  key: string;
  name: string;
}

/** An email ready for nodemailer: `headers` carries RFC 8058 one-click unsubscribe when there is an unsubscribe URL. */
export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

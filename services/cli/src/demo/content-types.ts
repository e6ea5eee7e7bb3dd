import type { ActionStatus, Channel, ChannelDetailsInput, Lang } from '@closeloop/domain';

/** Types of the demo organisation's content; keys are stable strings the seeder maps to row ids. */

export interface DemoOrganisation {
  slug: string;
  name: string;
  nameCy: string;
  languages: Lang[];
  defaultLanguage: Lang;
  brandColour: string;
  kAnonymityThreshold: number;
  publicUrlPath: string;
}

export interface DemoCustomerGroup {
  key: string;
  name: string;
  nameCy: string;
  /** Share of the borough's population; shares over all groups sum to 1. */
  populationShare: number;
}

export type ServicePointKind = 'branch' | 'department' | 'location';

export interface DemoServicePoint {
  key: string;
  name: string;
  nameCy?: string;
  kind: ServicePointKind;
}

export interface DemoEngagement {
  key: string;
  title: string;
  titleCy?: string;
  kind: 'survey' | 'consultation' | 'focus_group';
  invitedCount: number;
  startDaysAgo: number;
  /** null while the engagement is still open. */
  endDaysAgo: number | null;
  method: string;
  customerGroups?: string[];
}

export interface DemoContact {
  name?: string;
  email?: string;
  phone?: string;
  postalAddress?: string;
  language: Lang;
  consentContact: boolean;
  consentOutcome: boolean;
}

export type Rating = 1 | 2 | 3 | 4 | 5;

export interface DemoFeedback {
  key: string;
  channel: Channel;
  text: string;
  language: Lang;
  rating: Rating | null;
  /** Days before the seeding moment at which the feedback arrived (0–180). */
  daysAgo: number;
  customerGroup?: string;
  servicePoint?: string;
  engagement?: string;
  details?: ChannelDetailsInput;
  contact?: DemoContact;
}

export type DetailsInputOf<C extends Channel> = Extract<ChannelDetailsInput, { kind: C }>;

/** One feedback item as written in a channel's table: channel, kind and default language are added by `onChannel`. */
export interface FeedbackDraft<C extends Channel> {
  key: string;
  text: string;
  language?: Lang;
  rating?: Rating | null;
  daysAgo: number;
  customerGroup?: string;
  servicePoint?: string;
  engagement?: string;
  details?: Omit<DetailsInputOf<C>, 'kind'>;
  contact?: DemoContact;
}

export interface DemoImpactMeasure {
  name: string;
  unit: string;
  before: number;
  after: number;
}

export interface DemoAction {
  key: string;
  title: string;
  titleCy?: string;
  description: string;
  status: ActionStatus;
  themeKeys: string[];
  servicePoints: string[];
  ownerEmail: string;
  /** Negative when the due date has passed. */
  dueDaysFromNow: number;
  publicStatement: string;
  publicStatementCy: string;
  declinedReason?: string;
  impact: DemoImpactMeasure[];
  /** Feedback this action answers. */
  linkedFeedbackKeys: string[];
  completedDaysAgo?: number;
}

export interface DemoPublication {
  key: string;
  themeKey: string;
  actionKeys: string[];
  summary: string;
  summaryCy: string;
  state: 'published' | 'approved' | 'draft';
  /** Feedback whose (redacted) text is quoted on the board; approved by staff. */
  quotes: string[];
  /** Days before seeding at which it was published (published only). */
  publishedDaysAgo?: number;
}

export interface DemoStaff {
  email: string;
  name: string;
  role: 'admin' | 'manager' | 'staff' | 'viewer';
}

export interface DemoContent {
  organisation: DemoOrganisation;
  customerGroups: DemoCustomerGroup[];
  servicePoints: DemoServicePoint[];
  engagements: DemoEngagement[];
  feedback: DemoFeedback[];
  actions: DemoAction[];
  publications: DemoPublication[];
  staff: DemoStaff[];
}

/** Adds the channel (and its details' `kind`) to a channel's table of drafts; language defaults to English. */
export function onChannel<C extends Channel>(
  channel: C,
  drafts: readonly FeedbackDraft<C>[],
  defaultDetails?: (draft: FeedbackDraft<C>, index: number) => Omit<DetailsInputOf<C>, 'kind'> | undefined,
): DemoFeedback[] {
  return drafts.map((draft, index) => {
    const defaults = defaultDetails?.(draft, index);
    const details =
      defaults || draft.details ? ({ ...defaults, ...draft.details, kind: channel } as DetailsInputOf<C>) : undefined;
    const item: DemoFeedback = {
      key: draft.key,
      channel,
      text: draft.text,
      language: draft.language ?? 'en',
      rating: draft.rating ?? null,
      daysAgo: draft.daysAgo,
    };
    if (draft.customerGroup) item.customerGroup = draft.customerGroup;
    if (draft.servicePoint) item.servicePoint = draft.servicePoint;
    if (draft.engagement) item.engagement = draft.engagement;
    if (details) item.details = details;
    if (draft.contact) item.contact = draft.contact;
    return item;
  });
}

/** A contact who agreed to be contacted and to hear the outcome. */
export function consenting(
  fields: Omit<DemoContact, 'language' | 'consentContact' | 'consentOutcome'> & { language?: Lang },
): DemoContact {
  return { language: 'en', ...fields, consentContact: true, consentOutcome: true };
}

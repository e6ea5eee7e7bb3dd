/**
 * Engagement review (Customer Service Excellence 1.2.3, "who is not being heard?"): pure figures
 * from counts, so they can be checked by hand. No I/O here; `review/queries.ts` fetches the counts.
 */

/** Below this representation index a group is flagged as under-represented, above OVER as over-represented. */
export const UNDER_REPRESENTED = 0.5;
export const OVER_REPRESENTED = 2;
/** Between UNDER_REPRESENTED and this, a group is heard less than its share: worth watching, not yet a flag. */
export const BELOW_SHARE = 0.8;

export interface ReviewGroup {
  id: string;
  name: string;
  /** Share of the population served, 0..1; null when unknown. */
  populationShare: number | null;
}

export interface ReviewInput {
  groups: ReviewGroup[];
  /** Feedback in the period by channel (method) and customer group (null: not recorded). */
  counts: { channel: string; groupId: string | null; n: number }[];
  engagements: {
    id: string;
    title: string;
    kind: string;
    method: string | null;
    invited: number | null;
    responses: number;
  }[];
  /** Per channel, feedback in the period: total, with each consent, and linked to a published outcome. */
  channels: {
    channel: string;
    total: number;
    consentContact: number;
    consentOutcome: number;
    publishedOutcome: number;
  }[];
}

export type RepresentationFlag = 'under' | 'below' | 'over' | null;

export interface GroupRepresentation {
  id: string;
  name: string;
  count: number;
  /** count / feedback with a recorded group */
  feedbackShare: number | null;
  populationShare: number | null;
  /** feedbackShare / populationShare: 1 = heard in proportion */
  index: number | null;
  flag: RepresentationFlag;
  /** channels this group used, most first */
  channels: { channel: string; n: number }[];
}

export interface ReviewResult {
  total: number;
  withGroup: number;
  withoutGroup: number;
  groups: GroupRepresentation[];
  matrix: {
    channels: string[];
    /** one column per group, then the "not recorded" column (id null) */
    columns: { id: string | null; name: string }[];
    cells: number[][];
    rowTotals: number[];
    columnTotals: number[];
  };
  engagements: (ReviewInput['engagements'][number] & { responseRate: number | null })[];
  channels: (ReviewInput['channels'][number] & {
    consentContactShare: number | null;
    consentOutcomeShare: number | null;
    publishedOutcomeShare: number | null;
  })[];
}

const ratio = (n: number, d: number | null | undefined): number | null => (d ? n / d : null);

export function flagOf(index: number | null): RepresentationFlag {
  if (index === null) return null;
  if (index < UNDER_REPRESENTED) return 'under';
  if (index < BELOW_SHARE) return 'below';
  if (index > OVER_REPRESENTED) return 'over';
  return null;
}

export function computeReview(input: ReviewInput): ReviewResult {
  const known = new Set(input.groups.map((g) => g.id));
  // A group id the organisation no longer has counts as "not recorded".
  const counts = input.counts.map((c) => ({ ...c, groupId: c.groupId && known.has(c.groupId) ? c.groupId : null }));
  const total = counts.reduce((n, c) => n + c.n, 0);
  const withoutGroup = counts.filter((c) => c.groupId === null).reduce((n, c) => n + c.n, 0);
  const withGroup = total - withoutGroup;

  const groups = input.groups.map((g): GroupRepresentation => {
    const mine = counts.filter((c) => c.groupId === g.id);
    const count = mine.reduce((n, c) => n + c.n, 0);
    const feedbackShare = ratio(count, withGroup);
    const populationShare = g.populationShare !== null && g.populationShare > 0 ? g.populationShare : null;
    const index = feedbackShare !== null && populationShare !== null ? feedbackShare / populationShare : null;
    const byChannel = new Map<string, number>();
    for (const c of mine) byChannel.set(c.channel, (byChannel.get(c.channel) ?? 0) + c.n);
    return {
      id: g.id,
      name: g.name,
      count,
      feedbackShare,
      populationShare: g.populationShare,
      index,
      flag: flagOf(index),
      channels: [...byChannel.entries()]
        .filter(([, n]) => n > 0)
        .map(([channel, n]) => ({ channel, n }))
        .sort((a, b) => b.n - a.n || a.channel.localeCompare(b.channel)),
    };
  });

  const channelNames = [...new Set(counts.map((c) => c.channel))].sort();
  const columns = [
    ...input.groups.map((g) => ({ id: g.id as string | null, name: g.name })),
    { id: null, name: 'Not recorded' },
  ];
  const cells = channelNames.map((channel) =>
    columns.map((col) =>
      counts.filter((c) => c.channel === channel && c.groupId === col.id).reduce((n, c) => n + c.n, 0),
    ),
  );
  const rowTotals = cells.map((row) => row.reduce((a, b) => a + b, 0));
  const columnTotals = columns.map((_, j) => cells.reduce((n, row) => n + (row[j] ?? 0), 0));

  return {
    total,
    withGroup,
    withoutGroup,
    groups,
    matrix: { channels: channelNames, columns, cells, rowTotals, columnTotals },
    engagements: input.engagements.map((e) => ({
      ...e,
      responseRate: e.invited !== null && e.invited > 0 ? e.responses / e.invited : null,
    })),
    channels: input.channels.map((c) => ({
      ...c,
      consentContactShare: ratio(c.consentContact, c.total),
      consentOutcomeShare: ratio(c.consentOutcome, c.total),
      publishedOutcomeShare: ratio(c.publishedOutcome, c.total),
    })),
  };
}

/** Loop metrics as a pure function of per-feedback rows: how fast, and how often, people hear back. */

export interface LoopFeedbackRow {
  id: string;
  channel: string;
  themeKeys: string[];
  receivedAt: number;
  /** First time the item was linked to any action. */
  linkedAt: number | null;
  /** Earliest completion (done) or decline of a linked action. */
  closedAt: number | null;
  /** Earliest email to this person about a linked action that was sent. */
  toldAt: number | null;
  /** Linked to a done/declined action that is on the public board. */
  publishedOutcome: boolean;
  complaint: ComplaintSla | null;
}

export interface ComplaintSla {
  status: string;
  acknowledgeDueAt: number;
  resolveDueAt: number;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  breached: string[];
}

export interface Distribution {
  n: number;
  medianDays: number | null;
  p90Days: number | null;
}

export interface StageTimes {
  /** Feedback received → linked to an action. */
  linked: Distribution;
  /** Feedback received → a linked action done (or declined). */
  actionClosed: Distribution;
  /** Feedback received → the contributor told (email sent). */
  told: Distribution;
}

export interface SlaOutcome {
  met: number;
  breached: number;
  /** Not yet due and not yet done. */
  pending: number;
  /** Done according to its status, but without a time to check against the due date. */
  unknown: number;
  /** met / (met + breached); null when nothing could be judged. */
  share: number | null;
}

export interface LoopMetrics {
  feedback: number;
  reachedPublishedOutcome: number;
  publishedOutcomeShare: number | null;
  overall: StageTimes;
  byTheme: ({ theme: string; feedback: number } & StageTimes)[];
  byChannel: ({ channel: string; feedback: number } & StageTimes)[];
  complaints: { total: number; acknowledge: SlaOutcome; resolve: SlaOutcome };
}

const DAY = 86_400_000;

/** Percentile with linear interpolation between closest ranks (the common "type 7" definition). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (sorted.length - 1) * p;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (rank - lo);
}

function round(value: number | null, digits = 4): number | null {
  if (value === null) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function distribution(days: number[]): Distribution {
  const sorted = [...days].sort((a, b) => a - b);
  return { n: sorted.length, medianDays: round(percentile(sorted, 0.5)), p90Days: round(percentile(sorted, 0.9)) };
}

/** Days from receipt to a later event; an event before receipt (feedback on an already finished action) counts as 0. */
function elapsed(from: number, to: number | null): number | null {
  return to === null ? null : Math.max(0, to - from) / DAY;
}

function stageTimes(rows: readonly LoopFeedbackRow[]): StageTimes {
  const pick = (key: 'linkedAt' | 'closedAt' | 'toldAt') =>
    rows.flatMap((r) => {
      const d = elapsed(r.receivedAt, r[key]);
      return d === null ? [] : [d];
    });
  return {
    linked: distribution(pick('linkedAt')),
    actionClosed: distribution(pick('closedAt')),
    told: distribution(pick('toldAt')),
  };
}

const ACKNOWLEDGED = new Set(['acknowledged', 'investigating', 'resolved', 'closed']);
const RESOLVED = new Set(['resolved', 'closed']);

function judge(
  doneAt: number | null,
  dueAt: number,
  breachedFlag: boolean,
  doneByStatus: boolean,
  asOf: number,
): keyof Omit<SlaOutcome, 'share'> {
  if (doneAt !== null) return doneAt <= dueAt ? 'met' : 'breached';
  if (breachedFlag) return 'breached';
  if (doneByStatus) return 'unknown';
  return asOf > dueAt ? 'breached' : 'pending';
}

function slaOutcome(outcomes: (keyof Omit<SlaOutcome, 'share'>)[]): SlaOutcome {
  const count = (k: string) => outcomes.filter((o) => o === k).length;
  const met = count('met');
  const breached = count('breached');
  return {
    met,
    breached,
    pending: count('pending'),
    unknown: count('unknown'),
    share: met + breached === 0 ? null : round(met / (met + breached)),
  };
}

/** `asOf`: the moment overdue complaints are judged at (the end of the period, or now if earlier). */
export function computeLoopMetrics(rows: readonly LoopFeedbackRow[], asOf: number): LoopMetrics {
  const byTheme = new Map<string, LoopFeedbackRow[]>();
  const byChannel = new Map<string, LoopFeedbackRow[]>();
  for (const r of rows) {
    for (const key of new Set(r.themeKeys)) byTheme.set(key, [...(byTheme.get(key) ?? []), r]);
    byChannel.set(r.channel, [...(byChannel.get(r.channel) ?? []), r]);
  }
  const reached = rows.filter((r) => r.publishedOutcome).length;
  const complaints = rows.flatMap((r) => (r.complaint ? [r.complaint] : []));
  return {
    feedback: rows.length,
    reachedPublishedOutcome: reached,
    publishedOutcomeShare: rows.length === 0 ? null : round(reached / rows.length),
    overall: stageTimes(rows),
    byTheme: [...byTheme]
      .map(([theme, list]) => ({ theme, feedback: list.length, ...stageTimes(list) }))
      .sort((a, b) => b.feedback - a.feedback || a.theme.localeCompare(b.theme)),
    byChannel: [...byChannel]
      .map(([channel, list]) => ({ channel, feedback: list.length, ...stageTimes(list) }))
      .sort((a, b) => b.feedback - a.feedback || a.channel.localeCompare(b.channel)),
    complaints: {
      total: complaints.length,
      acknowledge: slaOutcome(
        complaints.map((c) =>
          judge(
            c.acknowledgedAt ?? c.resolvedAt,
            c.acknowledgeDueAt,
            c.breached.includes('acknowledge'),
            ACKNOWLEDGED.has(c.status),
            asOf,
          ),
        ),
      ),
      resolve: slaOutcome(
        complaints.map((c) =>
          judge(c.resolvedAt, c.resolveDueAt, c.breached.includes('resolve'), RESOLVED.has(c.status), asOf),
        ),
      ),
    },
  };
}

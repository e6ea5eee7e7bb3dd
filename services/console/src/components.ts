import { html, type SafeHtml } from './layout.ts';

export interface ThemeTag {
  themeId: string;
  name: string;
  confidence: number;
  source: string;
  confirmed: boolean;
  terms?: string[];
}

const SOURCE_LABEL: Record<string, string> = { rule: 'rule', model: 'model', staff: 'staff' };

/** Theme chips: name, confidence and where the label came from (rule, model or staff). */
export function themeChips(tags: ThemeTag[]): SafeHtml {
  if (tags.length === 0) return html`<span class="muted">No theme</span>`;
  const sorted = [...tags].sort((a, b) => b.confidence - a.confidence);
  return html`${sorted.map(
    (t) =>
      html`<span class="chip${t.source === 'staff' || t.confirmed ? ' staff' : ''}">${t.name} <span class="small">${Math.round(t.confidence * 100)}% · ${SOURCE_LABEL[t.source] ?? t.source}${t.confirmed ? ' ✓' : ''}</span></span>`,
  )}`;
}

export const SENTIMENT_LABEL: Record<string, string> = {
  very_negative: 'Very negative',
  negative: 'Negative',
  neutral: 'Neutral',
  positive: 'Positive',
  very_positive: 'Very positive',
};

export const sentimentLabel = (value: string | null | undefined): string =>
  value ? (SENTIMENT_LABEL[value] ?? value) : '—';

export const STATUS_LABEL: Record<string, string> = {
  received: 'Awaiting analysis',
  analysed: 'Analysed',
  triage: 'Needs triage',
  failed: 'Analysis failed',
  erased: 'Erased',
  proposed: 'Proposed',
  planned: 'Planned',
  in_progress: 'In progress',
  done: 'Done',
  declined: 'Declined',
};

export const statusLabel = (value: string): string => STATUS_LABEL[value] ?? value;

export function statusChip(value: string): SafeHtml {
  return html`<span class="chip status">${statusLabel(value)}</span>`;
}

/** A horizontal bar for a share in [0, 1] (the number is always printed beside it as text). */
export function shareBar(ratio: number, label: string, kind: '' | 'pop' = ''): SafeHtml {
  const width = Math.max(0, Math.min(100, Math.round(ratio * 100)));
  return html`<div class="bar ${kind}" role="img" aria-label="${label}"><span style="width:${String(width)}%"></span></div>`;
}

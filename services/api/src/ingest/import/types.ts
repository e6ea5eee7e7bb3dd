import type { Channel, FeedbackInputRaw } from '@closeloop/domain';

export const IMPORT_KINDS = [
  'google_forms',
  'surveymonkey',
  'qualtrics',
  'microsoft_forms',
  'comment_cards',
  'generic',
] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/**
 * How to read one kind of export. Column references are column keys (see `columnKeys`): the header text
 * for one-header-row files, "Question - Sub-header" for SurveyMonkey's second header row, and the ImportId
 * for Qualtrics. Matching ignores case, BOM and surrounding/double spaces. Saved per organisation and editable.
 */
export interface ImportProfile {
  name: string;
  kind: ImportKind;
  /** Rows above the data (1, SurveyMonkey 2, Qualtrics 3). */
  headerRows: number;
  /** CSV delimiter; sniffed from the first lines when absent. */
  delimiter?: string;
  /** Order of day and month in numeric dates without a year first; `iso` for year-first dates. */
  dateFormat?: 'dmy' | 'mdy' | 'iso';
  /** IANA zone of wall-clock times without an offset (default Europe/London). */
  timeZone?: string;
  columns: {
    /** One or more open-text columns: each non-empty cell becomes one feedback. */
    text: string[];
    rating?: string;
    ratingScale?: number;
    receivedAt?: string;
    respondentId?: string;
    servicePoint?: string;
    /** Branch or site (comment cards have both a location and a service point within it). */
    location?: string;
    customerGroup?: string;
    contactName?: string;
    contactFirstName?: string;
    contactLastName?: string;
    contactEmail?: string;
    contactPhone?: string;
    /** A free-form "email or phone" cell. */
    contact?: string;
    /** A yes/no answer to "may we contact you". */
    consentContact?: string;
    /** A yes/no "consent to publish" tick. */
    consentPublish?: string;
    cardId?: string;
    keyedBy?: string;
    language?: string;
    /** Further answer columns copied into survey details `answers` (label → value). */
    answers?: string[];
    /** Column key → question text, where the key is not the wording (Qualtrics ImportIds). */
    question?: Record<string, string>;
  };
  /** Rows to report as not feedback, e.g. Qualtrics survey previews: `{ column: 'status', values: ['1'] }`. */
  exclude?: { column: string; values: string[]; reason: string }[];
  channel: Extract<
    Channel,
    'survey' | 'comment_card' | 'complaint' | 'phone' | 'focus_group' | 'widget' | 'email' | 'crm'
  >;
}

/**
 * A feedback input with the names the importer cannot resolve itself: the route looks them up among the
 * organisation's service points and customer groups, and must strip these fields before
 * `feedbackInputSchema` (a strict object) parses the rest (see `splitImported`).
 */
export type ImportedFeedback = FeedbackInputRaw & {
  servicePointName?: string;
  locationName?: string;
  customerGroupName?: string;
  /** The respondent ticked "consent to publish" (comment cards); undefined when the file does not say. */
  consentToPublish?: boolean;
};

export type ImportRowResult =
  | { line: number; ok: true; item: ImportedFeedback; rowHash: string; warnings?: string[] }
  | { line: number; ok: false; reason: string; raw: Record<string, string> };

/** A physical row: its 1-based line (CSV: the line the record starts on; XLSX: the row number) and cells. */
export interface SourceRow {
  line: number;
  cells: string[];
}

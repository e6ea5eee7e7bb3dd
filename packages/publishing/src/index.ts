export { type BoardInput, type EmbedInput, type EntryInput, renderBoard, renderEmbed, renderEntry } from './board.ts';
export { changeText, countText, isSuppressed } from './cards.ts';
export { contrast, DEFAULT_BRAND, type Palette, palette, parseHex } from './colour.ts';
export { CALL_LIST_HEADER, type CallListRow, type CsvCell, csvCell, renderCallListCsv, toCsv } from './csv.ts';
export { unsubscribeHeaders } from './email.ts';
export {
  type FeedbackField,
  type FeedbackFormInput,
  type FeedbackFormValues,
  HONEYPOT_FIELD,
  renderFeedbackFormPage,
} from './feedback-form.ts';
export { entryText, type FeedInput, renderAtom, renderJsonFeed, renderRss } from './feeds.ts';
export { formatDate, formatNumber, formatPeriod } from './format.ts';
export { escapeHtml, escapeXml, html, raw, SafeHtml } from './html.ts';
export { isLang, type MessageKey, type MessageParams, messages, t } from './i18n.ts';
export { type Letter, type LetterBatchOptions, renderLetterBatch } from './letters.ts';
export { type NewsletterInput, newsletterMjml, renderNewsletter } from './newsletter.ts';
export {
  type ContributorNotificationInput,
  type DoubleOptInInput,
  type NotificationAction,
  outcomeLines,
  renderContributorNotification,
  renderDoubleOptInEmail,
} from './notification.ts';
export {
  errorMessage,
  type NotFoundInput,
  renderNotFoundPage,
  renderSubscribePage,
  type SubscribePageInput,
  type SubscribeState,
} from './pages.ts';
export { findSystemFonts, type PdfFonts, type PdfOptions } from './pdf.ts';
export { type PosterInput, renderPoster } from './poster.ts';
export type * from './types.ts';
export { type PublicUrls, publicUrls } from './urls.ts';

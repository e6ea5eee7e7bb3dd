// The shared service layer: rules that touch the database and are used by more than one process
// (api, worker, console, cli). Imports packages only, never a service.

export * from './actions/service.ts';
export * from './batcher.ts';
export * from './complaints/intake.ts';
export * from './feedback/erase.ts';
export * from './feedback/rows.ts';
export * from './feedback/service.ts';
export * from './loop/contributors.ts';
export * from './loop/similarity.ts';
export * from './loop/suggest.ts';
export * from './mail/mailer.ts';
export * from './models/service.ts';
export * from './newsletters/links.ts';
export * from './newsletters/service.ts';
export * from './publications/entries.ts';
export * from './publications/erase-quotes.ts';
export * from './publications/service.ts';
export * from './webhooks/deliver.ts';
export * from './webhooks/emit.ts';
export * from './webhooks/events.ts';
export * from './webhooks/payloads.ts';
export * from './webhooks/queries.ts';
export * from './webhooks/signing.ts';
export * from './webhooks/targets.ts';
export {
  approveQuote,
  deleteQuote,
  kOf,
  type MixCell,
  poolSmallCells,
  type QuoteCandidate as YouSaidQuote,
  QuoteContainsPiiError,
  representativeQuotes,
  requireYouSaid,
  storeQuotes,
  suppressMix,
  viewOfStats,
  viewYouSaid,
  type YouSaidView,
} from './youSaid/service.ts';

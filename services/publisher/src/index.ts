export { buildPublisherApp, registerPublisher } from './app.ts';
export { brandingOf, loadBoard } from './board-data.ts';
export type { PublisherDeps, PublisherFeedbackSink, PublisherMailer } from './deps.ts';
export { unsubscribeToken, unsubscribeUrl } from './subscribe/service.ts';

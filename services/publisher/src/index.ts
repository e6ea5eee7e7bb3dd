export { buildPublisherApp, registerPublisher } from './app.ts';
export { brandingOf, loadBoard } from './board-data.ts';
export type { PublisherDeps } from './deps.ts';

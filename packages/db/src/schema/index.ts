export * from './access.ts';
export * from './actions.ts';
export * from './feedback.ts';
export * from './organisations.ts';
export * from './publishing.ts';

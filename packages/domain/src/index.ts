export * from './actions.ts';
export * from './channels.ts';
export * from './errors.ts';
export * from './feedback.ts';
export * from './scopes.ts';

export * from './app.ts';
export * from './health.ts';
export * from './metrics.ts';
export * from './problem.ts';
export * from './rate-limit.ts';

#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader: closeloop ships its sources, there is no build step.
import { register } from 'tsx/esm/api';

// `start`: a Ctrl-C or SIGTERM that comes while the modules load is kept for the start command, which
// then stops cleanly once it is up (instead of dying mid-migration or mid-seed).
if (process.argv[2] === 'start') {
  const early = [];
  globalThis.closeloopEarlySignals = early;
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => early.push(signal));
}
register();
const { main } = await import('../services/cli/src/main.ts');
const code = await main(process.argv.slice(2));
if (typeof code === 'number') process.exitCode = code;
// A server that has shut down (HTTP closed, queue drained, database closed) exits now, whatever
// library timer or socket is still winding down.
if (process.argv[2] === 'start') process.exit();

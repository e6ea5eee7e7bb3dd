// Entry of a training worker thread (see parallel.ts): registers tsx, as bin/closeloop.mjs does, so the thread can
// load the TypeScript sources whatever started the process (the CLI, tsx, Vitest), then loads the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./parallel-worker.ts');

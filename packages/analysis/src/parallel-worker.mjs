// Entry of a training worker thread (see parallel.ts): registers tsx, as bin/closeloop.mjs does, so the thread can
// load the TypeScript sources whatever started the process (the CLI, tsx, Vitest), then loads the worker itself.
// No top-level await: a thread terminated while an async module evaluates can bring Node 20 down (a V8 check).
import { register } from 'tsx/esm/api';

register();
// a failure to load is thrown in the thread, which the pool sees as the thread's 'error' event
void import('./parallel-worker.ts');

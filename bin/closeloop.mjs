#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader: closeloop ships its sources, there is no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../services/cli/src/main.ts');
const code = await main(process.argv.slice(2));
if (typeof code === 'number') process.exitCode = code;

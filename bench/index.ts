import { benchAnalysis } from './analysis.ts';
import { benchIngest } from './ingest.ts';
import { benchPipeline } from './pipeline.ts';

const BENCHES: Record<string, () => Promise<void>> = {
  analysis: () => benchAnalysis(process.stdout),
  ingest: () => benchIngest(process.stdout),
  pipeline: () => benchPipeline(process.stdout),
};

/** `npm run bench -- NAME`: prints figures and ratios against a baseline measured in the same run. */
export async function benchCommand(argv: string[]): Promise<number> {
  const names = argv.length > 0 ? argv : Object.keys(BENCHES);
  for (const name of names) {
    const run = BENCHES[name];
    if (!run) {
      process.stderr.write(`unknown benchmark "${name}" (known: ${Object.keys(BENCHES).join(', ')})\n`);
      return 2;
    }
    process.stdout.write(`\n== bench ${name} ==\n`);
    await run();
  }
  return 0;
}

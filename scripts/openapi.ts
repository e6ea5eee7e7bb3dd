// Writes the OpenAPI 3.1 document of the REST API (role `api`) to openapi.json at the repository root:
//   npx tsx scripts/openapi.ts           (rewrite openapi.json)
//   npx tsx scripts/openapi.ts --check   (exit 1 when the committed file differs from the code)
// The document is built from the zod schemas of the registered routes; nothing is read from the environment.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from '@closeloop/api';
import { loadConfig } from '@closeloop/config';
import { createDatabase, Sealer } from '@closeloop/db';
import { createMetrics } from '@closeloop/http';
import { createLogger } from '@closeloop/logger';
import { createQueue } from '@closeloop/queue';

export const OPENAPI_FILE = path.resolve(import.meta.dirname, '../openapi.json');

/** Builds the API on an in-memory database and queue (no route touches them while registering) and serialises its document. */
export async function generateOpenApi(): Promise<string> {
  const config = loadConfig({});
  const database = await createDatabase({});
  const queue = createQueue({ driver: 'memory' });
  const app = await buildApp({
    config,
    database,
    queue,
    logger: createLogger({ level: 'silent' }),
    sealer: new Sealer('00'.repeat(32)),
    metrics: createMetrics('openapi'),
  });
  try {
    await app.ready();
    return `${JSON.stringify(app.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
    await queue.close({ drainMs: 0 });
    await database.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const document = await generateOpenApi();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(OPENAPI_FILE, 'utf8');
    if (committed !== document) {
      process.stderr.write('openapi.json is out of date: run `npx tsx scripts/openapi.ts`\n');
      process.exit(1);
    }
  } else {
    writeFileSync(OPENAPI_FILE, document);
    process.stdout.write(`wrote ${path.relative(process.cwd(), OPENAPI_FILE)}\n`);
  }
}

import { ConfigError, loadConfig } from '@closeloop/config';
import {
  findOrganisationBySlug,
  hashPassword,
  insertStaffUser,
  listApiKeys,
  randomToken,
  revokeApiKey,
} from '@closeloop/db';
import { apiScopeSchema, STAFF_ROLES, type StaffRole } from '@closeloop/domain';
import { analyseCommand } from './commands/analyse.ts';
import { evalCommand } from './commands/eval.ts';
import { parseFlags, UsageError } from './commands/flags.ts';
import { importCommand } from './commands/import.ts';
import { jobsCommand } from './commands/jobs.ts';
import { DataDirLockedError } from './runtime/data-dir.ts';
import { openRuntime, type Runtime, StartupError } from './runtime/runtime.ts';

const USAGE = `closeloop <command>

  start [--role all|api|worker|publisher]   run closeloop (embedded when DATABASE_URL is unset)
  migrate                                   apply database migrations
  seed-demo                                 create the demo organisation if missing
  api-key create --org SLUG --scopes a,b [--name N]   prints the key alone on its last line
  api-key list --org SLUG | api-key revoke --org SLUG --id ID
  create-admin --org SLUG --email E [--name N] [--role admin|manager|staff|viewer]
  import FILE --org SLUG [--profile NAME] [--dry-run] [--json]   import a CSV/XLSX export
  eval themes|sentiment|pii …               evaluate the analysis engine (see README)
  prepare-embeddings                        build the word-embedding cache (run by npm install)
  analyse [--org SLUG]                      JSONL {"id","text"} on stdin → analysis JSONL on stdout
  bench [ingest|analysis|pipeline]          benchmarks (see README)
  jobs list|failed|show|retry|discard       inspect queues and failed jobs (service mode; jobs help)
`;

async function withRuntime<T>(fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const rt = await openRuntime({ ...config, LOG_LEVEL: 'warn' }, { role: 'cli', queue: false });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

async function orgIdOf(rt: Runtime, slug: string | undefined): Promise<string> {
  if (!slug) throw new UsageError('--org SLUG is required');
  const org = await findOrganisationBySlug(rt.database.db, slug);
  if (!org) throw new UsageError(`no organisation with slug "${slug}"`);
  return org.id;
}

async function apiKeyCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const flags = parseFlags(rest, { org: 'string', scopes: 'string', name: 'string', id: 'string' });
  return withRuntime(async (rt) => {
    const orgId = await orgIdOf(rt, flags.org);
    if (sub === 'create') {
      const scopes = (flags.scopes ?? 'feedback:write').split(',').map((s) => s.trim());
      const parsed = scopes.map((s) => apiScopeSchema.safeParse(s));
      const bad = scopes.filter((_s, i) => !parsed[i]!.success);
      if (bad.length > 0)
        throw new UsageError(`unknown scopes: ${bad.join(', ')} (known: ${apiScopeSchema.options.join(', ')})`);
      const { createApiKey } = await import('@closeloop/api');
      const { key, row } = await createApiKey(rt.database.db, {
        orgId,
        name: flags.name ?? 'CLI key',
        scopes: parsed.map((p) => p.data!),
      });
      process.stderr.write(`created API key ${row.id} (${row.scopes.join(', ')}); it is shown once:\n`);
      process.stdout.write(`${key}\n`);
      return 0;
    }
    if (sub === 'list') {
      for (const k of await listApiKeys(rt.database.db, orgId)) {
        process.stdout.write(
          `${k.id}  cl_${k.prefix}_…  ${k.name}  [${k.scopes.join(',')}]  last used ${k.lastUsedAt?.toISOString() ?? 'never'}${k.revokedAt ? '  REVOKED' : ''}\n`,
        );
      }
      return 0;
    }
    if (sub === 'revoke') {
      if (!flags.id) throw new UsageError('--id is required');
      const ok = await revokeApiKey(rt.database.db, orgId, flags.id);
      process.stdout.write(ok ? `revoked ${flags.id}\n` : `no active key ${flags.id}\n`);
      return ok ? 0 : 1;
    }
    throw new UsageError('api-key create|list|revoke');
  });
}

async function createAdminCommand(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, {
    org: 'string',
    email: 'string',
    name: 'string',
    role: 'string',
    password: 'string',
  });
  if (!flags.email) throw new UsageError('--email is required');
  const role = (flags.role ?? 'admin') as StaffRole;
  if (!STAFF_ROLES.includes(role)) throw new UsageError(`--role must be one of ${STAFF_ROLES.join(', ')}`);
  return withRuntime(async (rt) => {
    const orgId = await orgIdOf(rt, flags.org);
    const password = flags.password ?? randomToken(12);
    await insertStaffUser(rt.database.db, {
      orgId,
      email: flags.email!.trim().toLowerCase(),
      name: flags.name ?? flags.email!,
      role,
      passwordHash: hashPassword(password),
    });
    process.stdout.write(`staff user ${flags.email} (${role}) can sign in at /console with password:\n${password}\n`);
    return 0;
  });
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start': {
        // Heavy modules load only for the commands that need them, so eval/analyse start fast.
        const { startCommand } = await import('./commands/start.ts');
        return await startCommand(rest);
      }
      case 'prepare-embedded': {
        // Run by postinstall: a migrated PGlite template makes the first embedded start fast.
        const { buildEmbeddedTemplate } = await import('@closeloop/db');
        process.stdout.write(`closeloop: embedded database template ready (${await buildEmbeddedTemplate()})\n`);
        return 0;
      }
      case 'prepare-embeddings': {
        // Run by postinstall: the word-embedding table as a compact int8 file (see packages/embeddings).
        const { buildEmbeddingsCache } = await import('@closeloop/embeddings');
        process.stdout.write(`closeloop: word embeddings ready (${await buildEmbeddingsCache()})\n`);
        return 0;
      }
      case 'migrate':
        return await withRuntime(async () => {
          process.stdout.write('migrations applied\n');
          return 0;
        });
      case 'seed-demo':
        return await withRuntime(async (rt) => {
          const { seedDemo } = await import('./demo/seed.ts');
          const seeded = await seedDemo(rt.database, rt.sealer);
          if (!seeded) {
            process.stdout.write('the demo organisation already exists; nothing to do\n');
            return 0;
          }
          process.stdout.write(
            `seeded the demo organisation\nstaff login: ${seeded.staff.email} / ${seeded.staff.password}\nAPI key:\n${seeded.apiKey}\n`,
          );
          return 0;
        });
      case 'api-key':
        return await apiKeyCommand(rest);
      case 'create-admin':
        return await createAdminCommand(rest);
      case 'import':
        return await importCommand(rest);
      case 'jobs':
        return await jobsCommand(rest);
      case 'eval':
        return await evalCommand(rest, process.stdout);
      case 'analyse': {
        const org = parseFlags(rest, { org: 'string' }).org;
        if (!org) return await analyseCommand(rest, process.stdin, process.stdout);
        // With --org: the organisation's own taxonomy and trained models, read once from the database.
        const { loadOrgAnalysisConfig } = await import('@closeloop/worker');
        const loaded = await withRuntime(async (rt) => loadOrgAnalysisConfig(rt.database.db, await orgIdOf(rt, org)));
        return await analyseCommand(rest, process.stdin, process.stdout, loaded);
      }
      case 'bench': {
        const { benchCommand } = await import('../../../bench/index.ts');
        return await benchCommand(rest);
      }
      case undefined:
      case 'help':
      case '--help':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        process.stderr.write(`unknown command "${command}"\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof UsageError ||
      error instanceof StartupError ||
      error instanceof DataDirLockedError
    ) {
      process.stderr.write(`closeloop: ${error.message}\n`);
      return error instanceof UsageError ? 2 : 1;
    }
    throw error;
  }
}

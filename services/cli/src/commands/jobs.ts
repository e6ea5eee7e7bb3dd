import { createJobAdmin, type JobScope, queueNameOf } from '@closeloop/api';
import { loadConfig } from '@closeloop/config';
import { findOrganisationBySlug } from '@closeloop/db';
import { AppError } from '@closeloop/domain';
import { JOB_NAMES } from '@closeloop/queue';
import { openRuntime } from '../runtime/runtime.ts';
import { parseFlags, UsageError } from './flags.ts';

export const JOBS_USAGE = `closeloop jobs <command>   (service mode: DATABASE_URL and REDIS_URL set)

  jobs list [--org SLUG] [--json]                        backlog and failed count per queue
  jobs failed QUEUE [--org SLUG] [--limit N] [--offset N] [--json]
  jobs show QUEUE ID [--org SLUG]                        one job as JSON
  jobs retry QUEUE ID | jobs retry QUEUE --all [--org SLUG]
  jobs discard QUEUE ID [--org SLUG]
queues: ${JOB_NAMES.join(', ')}
`;

interface Out {
  write(text: string): unknown;
}

/**
 * Operator view of the queues, on BullMQ directly (every organisation unless `--org`). In embedded
 * mode the queue lives inside the running `closeloop start` process, so it is reached through the
 * admin API (`/v1/admin/jobs`) instead.
 */
export async function jobsCommand(argv: string[], out: Out = process.stdout): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === 'help' || sub === '--help') {
    out.write(JOBS_USAGE);
    return sub ? 0 : 2;
  }
  const flags = parseFlags(rest, { org: 'string', limit: 'string', offset: 'string', json: 'boolean', all: 'boolean' });
  const config = loadConfig();
  if (!config.DATABASE_URL || !config.REDIS_URL) {
    throw new UsageError(
      'jobs: needs service mode (DATABASE_URL and REDIS_URL). In embedded mode the queue lives inside `closeloop start`; use GET /v1/admin/jobs with an admin API key.',
    );
  }
  const rt = await openRuntime({ ...config, LOG_LEVEL: 'warn' }, { role: 'cli', migrate: false });
  try {
    let scope: JobScope = 'all';
    if (flags.org) {
      const org = await findOrganisationBySlug(rt.database.db, flags.org);
      if (!org) throw new UsageError(`no organisation with slug "${flags.org}"`);
      scope = { orgId: org.id };
    }
    const admin = createJobAdmin(rt.queue);
    const [queueArg, id] = flags._;
    const queueOf = () => {
      if (!queueArg) throw new UsageError(`jobs ${sub}: QUEUE is required\n${JOBS_USAGE}`);
      return queueNameOf(queueArg);
    };
    const idOf = () => {
      if (!id) throw new UsageError(`jobs ${sub}: ID is required`);
      return id;
    };
    switch (sub) {
      case 'list': {
        const rows = await admin.summary(scope);
        if (flags.json) out.write(`${JSON.stringify(rows)}\n`);
        else {
          out.write(
            `${'queue'.padEnd(16)}${'waiting'.padStart(9)}${'active'.padStart(8)}${'delayed'.padStart(9)}${'failed'.padStart(8)}\n`,
          );
          for (const r of rows) {
            out.write(
              `${r.queue.padEnd(16)}${String(r.backlog.waiting).padStart(9)}${String(r.backlog.active).padStart(8)}${String(r.backlog.delayed).padStart(9)}${String(r.failed).padStart(8)}\n`,
            );
          }
        }
        return 0;
      }
      case 'failed': {
        const limit = Number(flags.limit ?? 50);
        const offset = Number(flags.offset ?? 0);
        if (!Number.isInteger(limit) || limit < 1 || limit > 5000) throw new UsageError('--limit must be 1..5000');
        if (!Number.isInteger(offset) || offset < 0) throw new UsageError('--offset must be ≥ 0');
        const jobs = await admin.listFailed(queueOf(), scope, { limit, offset });
        if (flags.json) out.write(`${JSON.stringify(jobs)}\n`);
        else {
          for (const j of jobs) {
            out.write(
              `${j.id}  ${j.failedAt.toISOString()}  attempts=${j.attempts}  ${j.error.replace(/\s+/g, ' ').slice(0, 160)}\n`,
            );
          }
          if (jobs.length === 0) out.write('no failed jobs\n');
        }
        return 0;
      }
      case 'show': {
        out.write(`${JSON.stringify(await admin.get(queueOf(), idOf(), scope), null, 2)}\n`);
        return 0;
      }
      case 'retry': {
        const queue = queueOf();
        if (flags.all) {
          let retried = 0;
          for (;;) {
            const page = await admin.listFailed(queue, scope, { limit: 500, offset: 0 });
            for (const job of page) {
              await admin.retry(queue, job.id, scope);
              retried++;
            }
            if (page.length < 500) break;
          }
          out.write(`retried ${retried} failed ${queue} job${retried === 1 ? '' : 's'}\n`);
          return 0;
        }
        await admin.retry(queue, idOf(), scope);
        out.write(`retried ${queue} job ${id}\n`);
        return 0;
      }
      case 'discard': {
        const queue = queueOf();
        await admin.discard(queue, idOf(), scope);
        out.write(`discarded ${queue} job ${id}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown jobs command "${sub}"\n${JOBS_USAGE}`);
    }
  } catch (error) {
    if (error instanceof AppError) {
      process.stderr.write(`closeloop jobs: ${error.message}\n`);
      return error.status === 404 ? 4 : 1;
    }
    throw error;
  } finally {
    await rt.close();
  }
}

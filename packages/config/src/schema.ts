import { z } from 'zod';

const optionalUrl = (protocols: RegExp, what: string) =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(
      z
        .string()
        .refine((v) => {
          try {
            return protocols.test(new URL(v).protocol);
          } catch {
            return false;
          }
        }, `must be a ${what} URL`)
        .optional(),
    )
    .optional();

/**
 * Every environment variable closeloop reads, declared once. `describe` feeds the README's configuration table.
 */
export const configSchema = z.object({
  PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(3000)
    .describe('HTTP port. In role `all` one server carries API, console, widget and public pages.'),
  HOST: z.string().min(1).default('127.0.0.1').describe('Interface to listen on (`0.0.0.0` in containers).'),
  CLOSELOOP_DATA_DIR: z
    .string()
    .min(1)
    .default('./data')
    .describe('Embedded mode: PGlite database, outbox (.eml), generated secret key, lock file.'),
  DATABASE_URL: optionalUrl(/^postgres(ql)?:$/, 'postgres://').describe(
    'PostgreSQL ≥ 15. When unset, closeloop runs embedded on PGlite in the data directory.',
  ),
  DATABASE_POOL_MAX: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(10)
    .describe('Size of the pg connection pool per process.'),
  REDIS_URL: optionalUrl(/^rediss?:$/, 'redis://').describe(
    'Redis for BullMQ and for the rate-limit counters (so every limit holds across all api and publisher processes; while Redis is unreachable they count per process and a warning is logged). When unset, the in-process queue and in-memory counters are used (embedded mode).',
  ),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and - only')
    .default('closeloop')
    .describe('Redis key prefix of the BullMQ queues; separate deployments sharing one Redis need different prefixes.'),
  SMTP_URL: optionalUrl(/^smtps?:$/, 'smtp://').describe(
    'Outgoing mail (e.g. smtp://user:pass@host:587). When unset, mail is written as .eml files to `DATA_DIR/outbox`.',
  ),
  MAIL_FROM: z
    .string()
    .min(3)
    .default('closeloop <no-reply@closeloop.localhost>')
    .describe('From address of outgoing mail.'),
  CLOSELOOP_SECRET_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)')
    .optional()
    .describe(
      'AES-256-GCM key for contact details, as 64 hex chars. Generated into the data directory in embedded mode; required in service mode.',
    ),
  PUBLIC_URL: optionalUrl(/^https?:$/, 'http(s)://').describe(
    'Public base URL used in links (feeds, emails, QR codes). Defaults to http://HOST:PORT.',
  ),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level.'),
  CLOSELOOP_ROLE: z
    .enum(['all', 'api', 'worker', 'publisher'])
    .default('all')
    .describe('Process role; `--role` on the command line wins.'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(1_048_576)
    .describe('Largest JSON body accepted (bulk and imports have their own larger limits).'),
  IMPORT_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(200 * 1024 * 1024)
    .describe('Largest CSV/XLSX import body.'),
  SWEEPER_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(30)
    .describe('Feedback still `received` after this long is re-enqueued by the sweeper.'),
  SWEEPER_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(15).describe('How often the sweeper runs.'),
  SEED_DEMO: z
    .enum(['auto', 'true', 'false'])
    .default('auto')
    .describe(
      '`auto` seeds the demo organisation on the first embedded start only; `true` always when missing; `false` never.',
    ),
  THEME_MODEL_EMBEDDINGS: z
    .enum(['on', 'off'])
    .default('on')
    .describe(
      '`on` (default): the retrain job trains theme models with the GloVe word embeddings (macro-F1 +0.01–0.02 on every theme data set; ~12 % pipeline throughput and ~2× training time: 18 s for 5,000 items on two threads). `off`: without them. Models trained either way keep working.',
    ),
  THEME_MODEL_TRAINING_THREADS: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .optional()
    .describe(
      "Worker threads the retrain job trains theme models on: the same model as one thread, about 1.7× faster on two cores. Unset: two, or one on a one-core machine. `1`: in the worker's own thread.",
    ),
  WEBHOOK_ALLOWED_TARGETS: z
    .string()
    .trim()
    .regex(/^[\w.:/,\s-]*$/, 'must be a comma-separated list of hosts, IPs, CIDRs, `loopback` or `private`')
    .optional()
    .describe(
      'Exceptions to the SSRF guard of outgoing webhooks, comma separated: `loopback`, `private`, IPs/CIDRs or host names (which may then also use http). By default only public https targets are allowed.',
    ),
});

export type Config = z.infer<typeof configSchema>;

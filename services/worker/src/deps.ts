import type { Config } from '@closeloop/config';
import type { Mailer } from '@closeloop/core';
import type { Database, Sealer } from '@closeloop/db';
import type { Metrics } from '@closeloop/http';
import type { Logger } from '@closeloop/logger';
import type { JobQueue } from '@closeloop/queue';

export interface WorkerDeps {
  config: Pick<
    Config,
    | 'SWEEPER_GRACE_SECONDS'
    | 'SWEEPER_INTERVAL_SECONDS'
    | 'PUBLIC_URL'
    | 'CLOSELOOP_DATA_DIR'
    | 'SMTP_URL'
    | 'MAIL_FROM'
    | 'WEBHOOK_ALLOWED_TARGETS'
  >;
  database: Database;
  queue: JobQueue;
  logger: Logger;
  sealer: Sealer;
  metrics: Metrics;
  clock?: () => Date;
  /** Outgoing mail; when absent, startWorker builds one from SMTP_URL (else the .eml outbox). */
  mailer?: Mailer;
}

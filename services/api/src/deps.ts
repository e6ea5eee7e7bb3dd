import type { Config } from '@closeloop/config';
import type { Database, Sealer } from '@closeloop/db';
import type { Metrics, RateCounter } from '@closeloop/http';
import type { Logger } from '@closeloop/logger';
import type { JobQueue } from '@closeloop/queue';

/** What the API needs from the outside world; tests pass real instances of each. */
export interface ApiDeps {
  config: Pick<
    Config,
    'BODY_LIMIT_BYTES' | 'IMPORT_LIMIT_BYTES' | 'PUBLIC_URL' | 'PORT' | 'HOST' | 'WEBHOOK_ALLOWED_TARGETS'
  >;
  database: Database;
  queue: JobQueue;
  logger: Logger;
  sealer: Sealer;
  metrics: Metrics;
  clock?: () => Date;
  /**
   * Where rate limits count (per API key, per widget site key and address): Redis in service mode, so the limits
   * hold across processes; in this process's memory when absent.
   */
  rateCounter?: RateCounter;
}

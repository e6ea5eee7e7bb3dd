import type { Database } from '@closeloop/db';
import type { Metrics } from '@closeloop/http';
import type { Logger } from '@closeloop/logger';

export interface PublisherDeps {
  database: Database;
  logger: Logger;
  metrics: Metrics;
  /** Public origin used in links, feeds and QR codes. */
  publicUrl: string;
  clock?: () => Date;
}

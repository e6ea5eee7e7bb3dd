import type { Database, Sealer } from '@closeloop/db';
import type { Logger } from '@closeloop/logger';
import type { JobQueue } from '@closeloop/queue';

export interface ConsoleDeps {
  database: Database;
  /** Comment cards keyed in the console are queued for analysis like API feedback. */
  queue: JobQueue;
  /** Seals contact details of keyed cards; unseals them for an admin's audited "show contact". */
  sealer: Sealer;
  logger: Logger;
  /** Public base URL of links in newsletter previews (default http://localhost:3000). */
  publicUrl?: string;
  /** Marks the session cookie Secure (when served over https). */
  secureCookies?: boolean;
  clock?: () => Date;
}

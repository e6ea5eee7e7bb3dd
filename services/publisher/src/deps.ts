import type { Database, Sealer } from '@closeloop/db';
import type { FeedbackInputRaw } from '@closeloop/domain';
import type { Metrics, RateCounter } from '@closeloop/http';
import type { Logger } from '@closeloop/logger';

export interface PublisherDeps {
  database: Database;
  logger: Logger;
  metrics: Metrics;
  /** Public origin used in links, feeds and QR codes. */
  publicUrl: string;
  clock?: () => Date;
  /** Seals subscriber emails and keys the form CSRF tokens. Without it the forms and subscribe pages are off. */
  sealer?: Sealer;
  /** Sends the double opt-in email (the worker's `createMailer`). Without it subscribe is off. */
  mailer?: PublisherMailer;
  /** Stores hosted-form feedback and asks for its analysis (the API's `createFeedbackSubmitter`). */
  feedback?: PublisherFeedbackSink;
  /** Where the forms' rate limits count: Redis in service mode (limits across processes); else in memory. */
  rateCounter?: RateCounter;
}

/** The part of packages/core/src/mail/mailer.ts the publisher uses. */
export interface PublisherMailer {
  send(message: {
    to: string;
    subject: string;
    html: string;
    text: string;
    headers?: Record<string, string>;
  }): Promise<unknown>;
}

/** The part of the API's feedback submitter the hosted form uses. */
export interface PublisherFeedbackSink {
  submit(orgId: string, input: FeedbackInputRaw): Promise<{ id: string }>;
}

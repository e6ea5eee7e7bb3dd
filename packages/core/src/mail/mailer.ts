import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
}

export interface SentMail {
  messageId: string;
  /** The .eml file written in outbox mode; absent when sent over SMTP. */
  file?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<SentMail>;
  close(): void;
}

export interface MailerOptions {
  /** smtp:// or smtps:// URL; without it mail is written to `<dataDir>/outbox/*.eml`. */
  smtpUrl?: string | undefined;
  dataDir: string;
  from: string;
}

/** SMTP through nodemailer when SMTP_URL is set; otherwise an `.eml` outbox in the data directory (embedded mode). */
export function createMailer(options: MailerOptions): Mailer {
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    return {
      async send(message) {
        const info = await transport.sendMail({ from: options.from, ...message });
        return { messageId: info.messageId };
      },
      close() {
        transport.close();
      },
    };
  }
  const outbox = path.resolve(options.dataDir, 'outbox');
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(message) {
      const info = await transport.sendMail({ from: options.from, ...message });
      await mkdir(outbox, { recursive: true });
      const name = `${Date.now()}-${randomBytes(6).toString('hex')}`;
      const file = path.join(outbox, `${name}.eml`);
      // Written under a temporary name, then renamed: whoever watches the outbox never sees half a message.
      const partial = path.join(outbox, `.${name}.partial`);
      await writeFile(partial, info.message as Buffer);
      await rename(partial, file);
      return { messageId: info.messageId, file };
    },
    close() {
      transport.close();
    },
  };
}

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, test } from 'vitest';
import { createMailer } from '../src/mail/mailer.ts';

describe('mailer without SMTP_URL: the .eml outbox', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'closeloop-mailer-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test('a reader watching the outbox only ever sees whole messages, and nothing else is left behind', async () => {
    const mailer = createMailer({ dataDir, from: 'closeloop <no-reply@closeloop.test>' });
    const outbox = path.join(dataDir, 'outbox');
    // large enough that writing one takes several writes
    const body = `${'Thank you for your feedback. '.repeat(40_000)}END`;
    let sending = true;
    const seen = new Map<string, string>();
    const watcher = (async () => {
      while (sending) {
        let names: string[] = [];
        try {
          names = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
        } catch {
          // the outbox does not exist until the first message
        }
        for (const name of names) {
          if (seen.has(name)) continue;
          const mail = await simpleParser(readFileSync(path.join(outbox, name)));
          seen.set(name, mail.text?.trim() ?? '');
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    const sent = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        mailer.send({
          to: `resident${i}@example.org`,
          subject: `You said, we did ${i}`,
          text: body,
          html: `<p>${body}</p>`,
        }),
      ),
    );
    sending = false;
    await watcher;
    mailer.close();

    for (const text of seen.values()) expect(text.endsWith('END')).toBe(true);
    const files = readdirSync(outbox);
    expect(files.sort()).toEqual(sent.map((s) => path.basename(s.file!)).sort());
    for (const file of files) {
      const mail = await simpleParser(readFileSync(path.join(outbox, file)));
      expect(mail.text?.trim().endsWith('END')).toBe(true);
    }
  });
});

import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { createLogger } from '../src/index.ts';

test('contact fields, keys and tokens are redacted from log lines', () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const log = createLogger({ destination });
  log.info(
    {
      contact: { email: 'a@example.org' },
      feedback: { email: 'b@example.org', phone: '07700 900123', text: 'kept' },
      req: { headers: { authorization: 'Bearer cl_live_secret' } },
      apiKey: 'cl_live_other',
    },
    'hello',
  );
  const out = lines.join('');
  expect(out).toContain('kept');
  for (const secret of ['a@example.org', 'b@example.org', '07700 900123', 'cl_live_secret', 'cl_live_other']) {
    expect(out).not.toContain(secret);
  }
});

import type { TestApp } from '../../../test/harness/app.ts';

/** A browser-like visitor for inject(): keeps cookies and reads the CSRF token off the page. */
export function visitor(t: TestApp, ip = '203.0.113.10') {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const remember = (setCookie: string | string[] | undefined) => {
    for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const [pair] = line.split(';');
      const [name, value] = (pair ?? '').split('=');
      if (name && value !== undefined) jar.set(name.trim(), value.trim());
    }
  };
  return {
    jar,
    async get(url: string, headers: Record<string, string> = {}) {
      const res = await t.app.inject({
        method: 'GET',
        url,
        headers: { accept: 'text/html', cookie: cookieHeader(), ...headers },
        remoteAddress: ip,
      });
      remember(res.headers['set-cookie']);
      return res;
    },
    async post(url: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}) {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: {
          accept: 'text/html',
          'content-type': 'application/x-www-form-urlencoded',
          cookie: cookieHeader(),
          ...headers,
        },
        payload: body.toString(),
        remoteAddress: ip,
      });
      remember(res.headers['set-cookie']);
      return res;
    },
  };
}

export function csrfOf(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no csrf token on the page');
  return match[1];
}

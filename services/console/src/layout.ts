import { html, raw, type SafeHtml } from '@closeloop/publishing';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Flash, StaffSession } from './session.ts';

export { escapeHtml, html, raw, SafeHtml } from '@closeloop/publishing';

export type NavKey =
  | 'dashboard'
  | 'cards'
  | 'feedback'
  | 'triage'
  | 'actions'
  | 'themes'
  | 'review'
  | 'publications'
  | 'newsletters'
  | 'none';

const NAV: { key: NavKey; href: string; label: string }[] = [
  { key: 'dashboard', href: '/console', label: 'Dashboard' },
  { key: 'cards', href: '/console/cards', label: 'Comment cards' },
  { key: 'feedback', href: '/console/feedback', label: 'Feedback' },
  { key: 'triage', href: '/console/triage', label: 'Triage' },
  { key: 'actions', href: '/console/actions', label: 'Actions' },
  { key: 'publications', href: '/console/publications', label: 'Publications' },
  { key: 'newsletters', href: '/console/newsletters', label: 'Newsletters' },
  { key: 'themes', href: '/console/themes', label: 'Themes' },
  { key: 'review', href: '/console/review', label: 'Engagement review' },
];

const STYLE = `:root{--brand:#0f5e63;--ink:#1b1f24;--muted:#56606a;--line:#d8dee4;--bg:#f5f7f8;--bad:#b3261e;--warn:#8a4b00;--good:#1a7f37}
*{box-sizing:border-box}body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:var(--ink);background:var(--bg)}
a{color:#0b57a4}.skip{position:absolute;left:-999px;top:0;background:#ffbf47;color:#000;padding:.5rem 1rem;z-index:10}.skip:focus{left:0}
header.top{background:var(--brand);color:#fff;padding:.5rem 1.5rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;justify-content:space-between;align-items:center}
header.top a{color:#fff;text-decoration:none;font-weight:700}header.top form{display:flex;gap:.75rem;align-items:center;margin:0}
nav.main{background:#0b4a4e}nav.main ul{list-style:none;margin:0 auto;padding:.25rem 1.5rem 0;display:flex;flex-wrap:wrap;gap:.25rem;max-width:80rem}
nav.main a{display:block;color:#fff;padding:.45rem .8rem;text-decoration:none;border-radius:6px 6px 0 0}nav.main a:hover{background:#136f75}
nav.main a[aria-current=page]{background:var(--bg);color:var(--ink);font-weight:600}
main{max-width:80rem;margin:1.25rem auto 3rem;padding:0 1.5rem}h1{font-size:1.6rem;margin:.25rem 0 1rem}h2{font-size:1.2rem;margin:0 0 .75rem}h3{font-size:1.05rem;margin:.75rem 0 .5rem}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:1rem 1.25rem;margin-bottom:1rem}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(17rem,1fr));margin-bottom:1rem}.grid>.card{margin:0}
.stat{font-size:2rem;font-weight:700;line-height:1.2}.muted{color:var(--muted)}.small{font-size:.875rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}.hint{font-weight:normal;color:var(--muted);font-size:.875rem;margin-left:.25rem}
input,select,textarea{font:inherit;padding:.4rem .5rem;border:1px solid #6e7781;border-radius:4px;max-width:100%;background:#fff;color:var(--ink)}
textarea{width:100%}input[type=checkbox],input[type=radio]{width:1.1rem;height:1.1rem;vertical-align:-.15rem}
fieldset{border:1px solid var(--line);border-radius:6px;margin:.75rem 0;padding:.5rem 1rem .75rem}legend{font-weight:600;padding:0 .25rem}
.choices label{display:inline-block;font-weight:normal;margin:.25rem 1.25rem .25rem 0}.stack label{display:block;font-weight:normal;margin:.2rem 0}
button,.button{font:inherit;padding:.45rem 1.1rem;background:var(--brand);color:#fff;border:2px solid var(--brand);border-radius:4px;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary,.button.secondary{background:#fff;color:var(--brand)}button.danger{background:var(--bad);border-color:var(--bad)}
button.link{background:none;border:0;color:#0b57a4;text-decoration:underline;padding:0}
:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
table{border-collapse:collapse;width:100%}th,td{padding:.45rem .75rem .45rem 0;text-align:left;vertical-align:top;border-bottom:1px solid var(--line)}
thead th{border-bottom:2px solid #9aa4ae;font-size:.9rem}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:.25rem 0 .5rem}.scroll{overflow-x:auto}
.chip{display:inline-block;border:1px solid #9fb8ba;background:#eef6f6;border-radius:999px;padding:0 .6rem;margin:.1rem .25rem .1rem 0;font-size:.85rem;white-space:nowrap}
.chip.staff{background:#e8f0fe;border-color:#9db4e8}.chip.status{background:#f3f0e8;border-color:#cbbf9f}
.flash{padding:.75rem 1rem;border-radius:6px;margin-bottom:1rem;border-left:6px solid var(--good);background:#e9f6ec}
.flash.error,.errors{border-left:6px solid var(--bad);background:#fdecea}.errors{padding:.75rem 1rem;border-radius:6px;margin-bottom:1rem}
.errors h2{font-size:1rem;margin:0 0 .25rem}.errors ul{margin:0;padding-left:1.25rem}.field-error{color:var(--bad);font-weight:600;margin:.25rem 0}
.bar{background:#e3e8ec;border-radius:3px;height:.75rem;min-width:5rem;margin-top:.35rem}.bar>span{display:block;height:100%;background:var(--brand);border-radius:3px}
.bar.pop>span{background:#8a949e}.flag-under{color:var(--bad);font-weight:600}.flag-over{color:var(--warn);font-weight:600}
mark{background:#fff3b0;padding:0 .1rem}mark.pii{background:#ffd7d5;border-bottom:2px solid var(--bad)}
.filters{display:flex;flex-wrap:wrap;gap:0 1rem;align-items:flex-end}.filters label{margin-top:.5rem}.actions-row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin-top:.75rem}
.pager{display:flex;gap:1rem;margin-top:1rem}blockquote{margin:.5rem 0;padding:.5rem 1rem;border-left:4px solid var(--line);background:#fafbfc;white-space:pre-wrap;overflow-wrap:anywhere}
.nowrap{white-space:nowrap}.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
details>summary{cursor:pointer;color:#0b57a4;margin:.75rem 0 .25rem}blockquote.snippet{white-space:normal;padding:.35rem .75rem}ol.timeline{padding-left:1.25rem}ul.plain{list-style:none;padding:0;margin:0}ul.plain li{padding:.35rem 0;border-bottom:1px solid var(--line)}`;

export interface PageOptions {
  staff?: StaffSession | undefined;
  flash?: Flash | null | undefined;
  active?: NavKey;
}

/**
 * The console's HTML document. `body` is markup: pass the output of `html\`…\`` (which escapes every
 * interpolated value) or an already-escaped string.
 */
export function page(title: string, body: SafeHtml | string, opts: PageOptions = {}): string {
  const { staff, flash, active = 'none' } = opts;
  const chrome = staff
    ? html`<header class="top"><a href="/console">closeloop · ${staff.orgName}</a>
<form method="post" action="/console/logout"><span>${staff.name} <span class="small">(${staff.role})</span></span>${csrfInput(staff)}<button type="submit" class="secondary">Sign out</button></form></header>
<nav class="main" aria-label="Console"><ul>${NAV.map(
        (item) =>
          html`<li><a href="${item.href}"${item.key === active ? raw(' aria-current="page"') : ''}>${item.label}</a></li>`,
      )}</ul></nav>`
    : html`<header class="top"><a href="/console">closeloop</a></header>`;
  const message = flash
    ? html`<div class="flash ${flash.kind === 'error' ? 'error' : ''}" role="${flash.kind === 'error' ? 'alert' : 'status'}">${flash.text}</div>`
    : '';
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title} · closeloop</title><style>${raw(STYLE)}</style></head>
<body><a class="skip" href="#main">Skip to main content</a>${chrome}<main id="main" tabindex="-1">${message}${typeof body === 'string' ? raw(body) : body}</main></body></html>`.toString();
}

export function csrfInput(staff: StaffSession): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${staff.csrfToken}">`;
}

/** The hidden CSRF field for a form on a page of the signed-in staff member. */
export function csrfField(request: FastifyRequest): SafeHtml {
  return request.staff ? csrfInput(request.staff) : html``;
}

export function renderPage(
  request: FastifyRequest,
  reply: FastifyReply,
  title: string,
  body: SafeHtml,
  opts: { status?: number; active?: NavKey } = {},
) {
  return reply
    .status(opts.status ?? 200)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(page(title, body, { staff: request.staff, flash: request.flash, active: opts.active ?? 'none' }));
}

export function errorPage(request: FastifyRequest, status: number, title: string, message: string): string {
  return page(
    title,
    html`<div class="card"><h1>${title}</h1><p>${message}</p><p class="small muted">HTTP ${String(status)}</p><p><a href="/console">Back to the dashboard</a></p></div>`,
    { staff: request.staff },
  );
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  title: string,
  message: string,
) {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(errorPage(request, status, title, message));
}

export function notFound(request: FastifyRequest, reply: FastifyReply, what = 'page') {
  return sendError(
    request,
    reply,
    404,
    'Not found',
    `This ${what} does not exist, or belongs to another organisation.`,
  );
}

/** A summary of form errors at the top of a form (GOV.UK pattern: focusable, linked to fields). */
export function errorSummary(errors: FormErrors): SafeHtml | '' {
  const entries = Object.entries(errors);
  if (entries.length === 0) return '';
  return html`<div class="errors" role="alert"><h2>There is a problem</h2><ul>${entries.map(
    ([field, message]) => html`<li><a href="#${field}">${message}</a></li>`,
  )}</ul></div>`;
}

export function fieldError(errors: FormErrors, field: string): SafeHtml | '' {
  const message = errors[field];
  return message ? html`<p class="field-error" id="${field}-error">${message}</p>` : '';
}

export type FormErrors = Record<string, string>;

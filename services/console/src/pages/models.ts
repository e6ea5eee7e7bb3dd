import { listModelVersions, type ModelVersionSummary, requestRetrain } from '@closeloop/core';
import { listThemes } from '@closeloop/db';
import type { FastifyInstance } from 'fastify';
import type { ConsoleContext } from '../context.ts';
import { formatDateTime } from '../forms.ts';
import { csrfField, html, renderPage, type SafeHtml } from '../layout.ts';
import { can, redirectWithFlash, requireAbility, requireStaff, staffOf } from '../session.ts';

const score = (v: number | null): string => (v === null ? '—' : v.toFixed(3));

/**
 * The theme model page (linked from Themes): the active model's version, training date, examples and holdout
 * figures overall and per theme, the earlier versions, and "Retrain now" for admins (the API's
 * `POST /v1/models/retrain`: the worker trains even with fewer than 50 new staff labels).
 */
export function registerModelPages(scope: FastifyInstance, ctx: ConsoleContext): void {
  const { db } = ctx.deps.database;

  scope.get('/console/themes/model', { schema: { hide: true }, preHandler: requireStaff }, async (request, reply) => {
    const staff = staffOf(request);
    const [versions, themes] = await Promise.all([listModelVersions(db, staff.orgId), listThemes(db, staff.orgId)]);
    const themeModels = versions.filter((v) => v.kind === 'themes');
    const active = themeModels.find((v) => v.active) ?? null;
    const nameOf = new Map(themes.map((th) => [th.key, th.name]));

    const summary = (m: ModelVersionSummary): SafeHtml => html`<dl class="facts">
<dt>Version</dt><dd>${String(m.version)}</dd>
<dt>Trained</dt><dd>${formatDateTime(m.trainedAt)}</dd>
<dt>Training examples</dt><dd>${String(m.trainedOn)}</dd>
<dt>Micro-F1 (holdout)</dt><dd data-figure="micro-f1">${score(m.microF1)}</dd>
<dt>Macro-F1 (holdout)</dt><dd data-figure="macro-f1">${score(m.macroF1)}</dd>
<dt>Exact match</dt><dd>${score(m.exactMatch)}</dd>
<dt>Holdout examples</dt><dd>${m.holdout === null ? '—' : String(m.holdout)}</dd>
<dt>Previous model's micro-F1 on the same holdout</dt><dd>${score(m.previousMicroF1)}</dd>
</dl>`;

    const perTheme = (m: ModelVersionSummary): SafeHtml | '' => {
      if (!m.perLabel)
        return html`<p class="muted small">Per-theme figures are stored by retrains from now on; this version has none.</p>`;
      const rows = Object.entries(m.perLabel).sort((a, b) => b[1].support - a[1].support || a[0].localeCompare(b[0]));
      return html`<div class="scroll"><table><caption>Per theme, on the holdout</caption>
<thead><tr><th scope="col">Theme</th><th scope="col" class="num">Precision</th><th scope="col" class="num">Recall</th><th scope="col" class="num">F1</th><th scope="col" class="num">Support</th></tr></thead><tbody>
${rows.map(
  ([key, f]) =>
    html`<tr><th scope="row">${nameOf.get(key) ?? key}<br><span class="small muted">${key}</span></th><td class="num">${score(f.precision)}</td><td class="num">${score(f.recall)}</td><td class="num">${score(f.f1)}</td><td class="num">${String(f.support)}</td></tr>`,
)}</tbody></table></div>`;
    };

    const body = html`<h1>Theme model</h1>
<p><a href="/console/themes">← Themes</a></p>
<p class="muted">The model that tags feedback with themes is retrained nightly from staff corrections when at least 50 are new, and evaluated on examples held out from its training. Running workers switch to a new version within about 30 seconds.</p>
<section class="card" aria-labelledby="active-h"><h2 id="active-h">Active model</h2>
${active ? html`${summary(active)}${perTheme(active)}` : html`<p>No trained model yet: themes come from the rules alone.</p>`}
${
  can(staff, 'admin')
    ? html`<form method="post" action="/console/themes/model/retrain">${csrfField(request)}
<p><button type="submit">Retrain now</button> <span class="small muted">Trains even with fewer than 50 new corrections (30 labelled examples are needed). The new version is activated unless it scores worse than the active one.</span></p></form>`
    : ''
}</section>
<section class="card" aria-labelledby="versions-h"><h2 id="versions-h">All versions</h2>
${
  themeModels.length === 0
    ? html`<p class="muted">None yet.</p>`
    : html`<div class="scroll"><table><thead><tr><th scope="col">Version</th><th scope="col">Trained</th><th scope="col" class="num">Examples</th><th scope="col" class="num">Micro-F1</th><th scope="col" class="num">Macro-F1</th><th scope="col" class="num">Holdout</th><th scope="col">State</th></tr></thead><tbody>
${themeModels.map(
  (m) =>
    html`<tr><th scope="row">${String(m.version)}</th><td>${formatDateTime(m.trainedAt)}</td><td class="num">${String(m.trainedOn)}</td><td class="num">${score(m.microF1)}</td><td class="num">${score(m.macroF1)}</td><td class="num">${m.holdout === null ? '—' : String(m.holdout)}</td><td>${m.active ? 'active' : 'not used'}</td></tr>`,
)}</tbody></table></div>`
}</section>`;
    return renderPage(request, reply, 'Theme model', body, { active: 'themes' });
  });

  scope.post(
    '/console/themes/model/retrain',
    { schema: { hide: true }, preHandler: requireAbility('admin') },
    async (request, reply) => {
      const staff = staffOf(request);
      const result = await requestRetrain(
        { db, queue: ctx.deps.queue },
        staff.orgId,
        { type: 'staff', id: staff.userId },
        { force: true },
      );
      return redirectWithFlash(
        reply,
        '/console/themes/model',
        result.created
          ? 'Retraining has been queued. The new version appears here when the worker has trained it.'
          : 'A retrain is already queued or running.',
      );
    },
  );
}

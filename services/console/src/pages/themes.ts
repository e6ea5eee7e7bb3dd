import type { TaxonomyAddition } from '@closeloop/analysis';
import { listThemes, type ThemeRow } from '@closeloop/db';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConsoleContext } from '../context.ts';
import { bodyOf, checked, type FormBody, isUuid, list, str } from '../forms.ts';
import {
  csrfField,
  errorSummary,
  type FormErrors,
  fieldError,
  html,
  notFound,
  renderPage,
  type SafeHtml,
} from '../layout.ts';
import {
  addDefaultPicks,
  createTheme,
  type DefaultPick,
  decideProposal,
  dismissDefaultPicks,
  pendingDefaultAdditions,
  type ThemeRules,
  themeCounts,
  themeTree,
  updateTheme,
} from '../queries/themes.ts';
import { can, redirectWithFlash, requireAbility, requireStaff, staffOf } from '../session.ts';

const MAX_PHRASES = 300;
const MAX_PHRASE = 100;

/** One phrase per line (commas also separate), trimmed, lower-cased, de-duplicated. */
export function phrases(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\n,]/)
        .map((p) => p.trim().replace(/\s+/g, ' ').toLowerCase())
        .filter((p) => p !== ''),
    ),
  ];
}

interface ThemeForm {
  name: string;
  parentId: string;
  active: boolean;
  include: string;
  exclude: string;
  force: string;
}

export function readThemeForm(form: FormBody): { values: ThemeForm; rules: ThemeRules; errors: FormErrors } {
  const values: ThemeForm = {
    name: str(form, 'name'),
    parentId: str(form, 'parentId'),
    active: checked(form, 'active'),
    include: str(form, 'include'),
    exclude: str(form, 'exclude'),
    force: str(form, 'force'),
  };
  const errors: FormErrors = {};
  if (values.name === '') errors.name = 'Enter a name for the theme';
  else if (values.name.length > 100) errors.name = 'The name must be 100 characters or fewer';
  if (values.parentId !== '' && !isUuid(values.parentId)) errors.parentId = 'Choose a parent theme from the list';
  const rules: ThemeRules = {
    include: phrases(values.include),
    exclude: phrases(values.exclude),
    force: phrases(values.force),
  };
  for (const field of ['include', 'exclude', 'force'] as const) {
    if (rules[field].length > MAX_PHRASES) errors[field] = `At most ${MAX_PHRASES} phrases`;
    else if (rules[field].some((p) => p.length > MAX_PHRASE))
      errors[field] = `Each phrase must be ${MAX_PHRASE} characters or fewer`;
  }
  return { values, rules, errors };
}

function valuesOf(theme: ThemeRow): ThemeForm {
  return {
    name: theme.name,
    parentId: theme.parentId ?? '',
    active: theme.active,
    include: theme.rules.include.join('\n'),
    exclude: (theme.rules.exclude ?? []).join('\n'),
    force: (theme.rules.force ?? []).join('\n'),
  };
}

function ruleFields(prefix: string, values: ThemeForm, errors: FormErrors): SafeHtml {
  const area = (field: 'include' | 'exclude' | 'force', label: string, hint: string) =>
    html`<div><label for="${prefix}-${field}">${label} <span class="hint">${hint}</span></label>${fieldError(errors, field)}<textarea id="${prefix}-${field}" name="${field}" rows="4" cols="28">${values[field]}</textarea></div>`;
  return html`<div class="grid" style="gap:.5rem 1rem">${area('include', 'Include phrases', 'one per line; words are matched by stem, and “not …” negates')}${area(
    'exclude',
    'Exclude phrases',
    'veto the theme when present',
  )}${area('force', 'Force phrases', 'always give the theme')}</div>`;
}

/** The other terms of an emerging topic as posted (at most 5, each a valid phrase, not the topic's own term). */
function relatedTerms(form: FormBody, term: string): string[] {
  return [...new Set(list(form, 'related').flatMap((r) => phrases(r).slice(0, 1)))]
    .filter((r) => r !== term && r.length <= MAX_PHRASE && !r.includes(':'))
    .slice(0, 5);
}

/** A picked default phrase from its checkbox value, `kind|key|phrase`; null for anything else. */
export function readDefaultPick(value: string): DefaultPick | null {
  const [kind, key, ...rest] = value.split('|');
  const phrase = rest.join('|');
  if ((kind !== 'include' && kind !== 'exclude') || !key || !phrase || phrase.length > MAX_PHRASE) return null;
  return { key, kind, phrase };
}

function defaultsCard(request: FastifyRequest, additions: TaxonomyAddition[]): SafeHtml {
  const phraseCount = additions.reduce((n, a) => n + a.include.length + a.exclude.length, 0);
  const themeCount = additions.filter((a) => a.newTheme).length;
  const box = (a: TaxonomyAddition, kind: 'include' | 'exclude', phrase: string) =>
    html`<label class="small"><input type="checkbox" name="pick" value="${kind}|${a.key}|${phrase}" checked> ${kind === 'exclude' ? html`<strong>not with:</strong> ` : ''}${phrase}</label> `;
  return html`<section class="card" aria-labelledby="defaults-h"><h2 id="defaults-h">From closeloop's default taxonomy</h2>
<details><summary>${phraseCount} phrase${phraseCount === 1 ? '' : 's'}${themeCount ? html` and ${themeCount} theme${themeCount === 1 ? '' : 's'}` : ''} in closeloop's default taxonomy that your themes do not have</summary>
<p class="muted">closeloop's default themes grow (more Welsh words, new themes). Tick what suits your organisation and add it: nothing you have changed is touched, and phrases you turn down are not offered again.</p>
<form method="post" action="/console/themes/defaults">${csrfField(request)}
${additions.map(
  (a) =>
    html`<fieldset><legend>${a.name}${a.newTheme ? html` <span class="chip status">new theme</span>` : ''} <span class="small muted">${a.key}</span></legend>
<div style="display:flex;flex-wrap:wrap;gap:.25rem 1.25rem">${a.include.map((p) => box(a, 'include', p))}${a.exclude.map((p) => box(a, 'exclude', p))}</div></fieldset>`,
)}
<p><button type="submit" name="decision" value="add">Add the ticked phrases</button> <button type="submit" name="decision" value="dismiss" class="secondary">Do not offer the ticked ones again</button></p></form></details></section>`;
}

export function registerThemePages(scope: FastifyInstance, ctx: ConsoleContext): void {
  const { db } = ctx.deps.database;

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { editing?: string; values?: ThemeForm; errors?: FormErrors } = {},
  ) {
    const staff = staffOf(request);
    const editable = can(staff, 'editThemes');
    const [themes, counts, additions] = await Promise.all([
      listThemes(db, staff.orgId),
      themeCounts(db, staff.orgId, ctx.now()),
      editable ? pendingDefaultAdditions(db, staff.orgId) : Promise.resolve([]),
    ]);
    const errors = state.errors ?? {};
    const row = (theme: ThemeRow, child: boolean) => {
      const count = counts.get(theme.id);
      const editing = state.editing === theme.id;
      const values = editing && state.values ? state.values : valuesOf(theme);
      return html`<tr><th scope="row"${child ? html` style="padding-left:1.5rem"` : ''}>${theme.name}${theme.active ? '' : html` <span class="chip status">inactive</span>`}<br><span class="small muted">${theme.key}</span></th>
<td class="num"><a href="/console/feedback?theme=${theme.id}">${count?.total ?? 0}</a></td><td class="num">${count?.recent ?? 0}</td>
<td class="small">${theme.rules.include.length ? theme.rules.include.join(', ') : html`<span class="muted">none</span>`}${
        theme.rules.exclude?.length ? html`<br><strong>not with:</strong> ${theme.rules.exclude.join(', ')}` : ''
      }${theme.rules.force?.length ? html`<br><strong>always with:</strong> ${theme.rules.force.join(', ')}` : ''}
${
  editable
    ? html`<details${editing ? html` open` : ''}><summary>Edit “${theme.name}”</summary>
<form method="post" action="/console/themes/${theme.id}">${csrfField(request)}${editing ? errorSummary(errors) : ''}
<label for="name-${theme.id}">Name</label>${editing ? fieldError(errors, 'name') : ''}<input id="name-${theme.id}" name="name" value="${values.name}" maxlength="100" size="32">
${ruleFields(theme.id, values, editing ? errors : {})}
<div class="stack"><label><input type="checkbox" name="active"${values.active ? html` checked` : ''}> Active (used to tag new feedback)</label></div>
<p><button type="submit">Save “${theme.name}”</button></p></form></details>`
    : ''
}</td></tr>`;
    };
    const newValues = state.editing === 'new' && state.values ? state.values : null;
    const body = html`<h1>Themes</h1>
<p class="muted">The organisation's taxonomy: what each theme is, the phrases that tag it, and how much feedback it has. Rule changes apply to new feedback within about 30 seconds (running workers reload them). <a href="/console/themes/model">Theme model</a>: its version, how well it scores, and retraining.</p>
<section class="card" aria-labelledby="tree-h"><h2 id="tree-h">Taxonomy</h2><div class="scroll"><table>
<thead><tr><th scope="col">Theme</th><th scope="col" class="num">Feedback</th><th scope="col" class="num">Last 90 days</th><th scope="col">Rules</th></tr></thead><tbody>
${themeTree(themes).map((node) => html`${row(node.theme, false)}${node.children.map((c) => row(c, true))}`)}
</tbody></table></div></section>
${editable && additions.length > 0 ? defaultsCard(request, additions) : ''}
${
  editable
    ? html`<section class="card" aria-labelledby="new-h"><h2 id="new-h">New theme</h2>
<form method="post" action="/console/themes">${csrfField(request)}${state.editing === 'new' ? errorSummary(errors) : ''}
<div class="filters"><div><label for="name">Name</label>${state.editing === 'new' ? fieldError(errors, 'name') : ''}<input id="name" name="name" value="${newValues?.name ?? ''}" maxlength="100" size="32"></div>
<div><label for="parentId">Under</label><select id="parentId" name="parentId"><option value="">Top level</option>${themeTree(
        themes,
      ).map(
        (n) =>
          html`<option value="${n.theme.id}"${newValues?.parentId === n.theme.id ? html` selected` : ''}>${n.theme.name}</option>`,
      )}</select></div></div>
${ruleFields('new', newValues ?? { name: '', parentId: '', active: true, include: '', exclude: '', force: '' }, state.editing === 'new' ? errors : {})}
<input type="hidden" name="active" value="on"><p><button type="submit">Create theme</button></p></form></section>`
    : ''
}`;
    return renderPage(request, reply, 'Themes', body, {
      active: 'themes',
      status: Object.keys(errors).length > 0 ? 422 : 200,
    });
  }

  scope.get('/console/themes', { schema: { hide: true }, preHandler: requireStaff }, async (request, reply) =>
    render(request, reply),
  );

  scope.post(
    '/console/themes',
    { schema: { hide: true }, preHandler: requireAbility('editThemes') },
    async (request, reply) => {
      const staff = staffOf(request);
      const { values, rules, errors } = readThemeForm(bodyOf(request));
      const themes = await listThemes(db, staff.orgId);
      if (values.parentId && !themes.some((t) => t.id === values.parentId && !t.parentId)) {
        errors.parentId = 'Choose a top-level theme as the parent';
      }
      if (Object.keys(errors).length > 0) return render(request, reply, { editing: 'new', values, errors });
      const theme = await createTheme(
        db,
        staff.orgId,
        { name: values.name, parentId: values.parentId || null, rules },
        staff.userId,
      );
      return redirectWithFlash(reply, '/console/themes', `Theme “${theme.name}” created.`);
    },
  );

  scope.post(
    '/console/themes/defaults',
    { schema: { hide: true }, preHandler: requireAbility('editThemes') },
    async (request, reply) => {
      const staff = staffOf(request);
      const form = bodyOf(request);
      const picks = list(form, 'pick').flatMap((v) => readDefaultPick(v) ?? []);
      if (picks.length === 0) return redirectWithFlash(reply, '/console/themes', 'Nothing was ticked.', 'error');
      if (str(form, 'decision') === 'dismiss') {
        const dismissed = await dismissDefaultPicks(db, staff.orgId, picks);
        return redirectWithFlash(
          reply,
          '/console/themes',
          `${dismissed} default phrase${dismissed === 1 ? '' : 's'} will not be offered again.`,
        );
      }
      const added = await addDefaultPicks(db, staff.orgId, picks, staff.userId);
      return redirectWithFlash(
        reply,
        '/console/themes',
        `Added ${added.phrases} phrase${added.phrases === 1 ? '' : 's'}${added.themes ? ` and ${added.themes} theme${added.themes === 1 ? '' : 's'}` : ''} from the default taxonomy; new feedback is tagged with them within about 30 seconds.`,
      );
    },
  );

  scope.post(
    '/console/themes/from-topic',
    { schema: { hide: true }, preHandler: requireAbility('editThemes') },
    async (request, reply) => {
      const staff = staffOf(request);
      const form = bodyOf(request);
      const [term] = phrases(str(form, 'term'));
      if (!term || term.length > MAX_PHRASE)
        return redirectWithFlash(reply, '/console', 'That topic cannot become a theme.', 'error');
      const related = relatedTerms(form, term);
      const name = term.charAt(0).toUpperCase() + term.slice(1);
      const theme = await db.transaction(async (tx) => {
        const created = await createTheme(
          tx,
          staff.orgId,
          { name, parentId: null, rules: { include: [term, ...related], exclude: [], force: [] } },
          staff.userId,
        );
        const exampleIds = list(form, 'example').filter(isUuid).slice(0, 10);
        const score = Number(str(form, 'score')) || 0;
        const count = Math.max(0, Math.trunc(Number(str(form, 'count')) || 0));
        await decideProposal(tx, staff.orgId, { term, score, count, exampleIds }, 'accepted');
        for (const r of related)
          await decideProposal(tx, staff.orgId, { term: r, score: 0, count: 0, exampleIds: [] }, 'accepted');
        return created;
      });
      const rules = [term, ...related].map((r) => `“${r}”`).join(', ');
      return redirectWithFlash(
        reply,
        '/console/themes',
        `Theme “${theme.name}” created with the rule${related.length ? 's' : ''} ${rules}. Edit it below to add phrases.`,
      );
    },
  );

  scope.post(
    '/console/themes/dismiss-topic',
    { schema: { hide: true }, preHandler: requireAbility('editThemes') },
    async (request, reply) => {
      const staff = staffOf(request);
      const form = bodyOf(request);
      const [term] = phrases(str(form, 'term'));
      if (!term || term.length > MAX_PHRASE)
        return redirectWithFlash(reply, '/console', 'Nothing to dismiss.', 'error');
      const all = [term, ...relatedTerms(form, term)];
      for (const t of all)
        await decideProposal(db, staff.orgId, { term: t, score: 0, count: 0, exampleIds: [] }, 'dismissed');
      return redirectWithFlash(reply, '/console', `${all.map((t) => `“${t}”`).join(', ')} will not be proposed again.`);
    },
  );

  scope.post(
    '/console/themes/:id',
    { schema: { hide: true }, preHandler: requireAbility('editThemes') },
    async (request, reply) => {
      const staff = staffOf(request);
      const { id } = request.params as { id: string };
      if (!isUuid(id)) return notFound(request, reply, 'theme');
      const themes = await listThemes(db, staff.orgId);
      if (!themes.some((t) => t.id === id)) return notFound(request, reply, 'theme');
      const { values, rules, errors } = readThemeForm(bodyOf(request));
      if (Object.keys(errors).length > 0) return render(request, reply, { editing: id, values, errors });
      const theme = await updateTheme(
        db,
        staff.orgId,
        id,
        { name: values.name, active: values.active, rules },
        staff.userId,
      );
      if (!theme) return notFound(request, reply, 'theme');
      return redirectWithFlash(reply, '/console/themes', `Theme “${theme.name}” saved.`);
    },
  );
}

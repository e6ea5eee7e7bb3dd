import { orgName } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { type MessageKey, t } from './i18n.ts';
import { page } from './layout.ts';
import type { Lang, Option, OrgBranding } from './types.ts';
import { langQuery, publicUrls, withQuery } from './urls.ts';

const LANGUAGE_NAMES: Record<Lang, string> = { en: 'English', cy: 'Cymraeg' };

/** Error codes the pages know how to word; any other string is shown as it is (escaped). */
const ERROR_KEYS: Record<string, MessageKey> = {
  required: 'errorTextRequired',
  text_required: 'errorTextRequired',
  too_long: 'errorTextTooLong',
  text_too_long: 'errorTextTooLong',
  invalid_email: 'errorEmailInvalid',
  invalid_phone: 'errorPhoneInvalid',
  contact_needed: 'errorContactNeeded',
  invalid_rating: 'errorRatingInvalid',
  expired_link: 'errorExpiredLink',
  rate_limited: 'errorRateLimited',
  generic: 'genericError',
};

export function errorMessage(lang: Lang, codeOrMessage: string, params?: Record<string, string | number>): string {
  const key = ERROR_KEYS[codeOrMessage];
  return key ? t(lang, key, params) : codeOrMessage;
}

function errorSummary(lang: Lang, errors: { field: string; message: string }[]): SafeHtml | '' {
  if (errors.length === 0) return '';
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1"><h2 id="error-summary-title">${t(
    lang,
    'errorSummaryTitle',
  )}</h2><ul>${errors.map((e) => html`<li>${e.field ? html`<a href="#${e.field}">${e.message}</a>` : e.message}</li>`)}</ul></div>`;
}

function notice(title: string, body: SafeHtml | string, extra: SafeHtml | '' = ''): SafeHtml {
  return html`<h1>${title}</h1><div class="notice"><p>${body}</p>${extra}</div>`;
}

function shell(org: OrgBranding, lang: Lang, baseUrl: string, title: string, pageUrl: string, main: SafeHtml) {
  return page({
    org,
    lang,
    baseUrl,
    title: `${title} – ${orgName(org, lang)}`,
    pageUrl,
    main: html`<div class="wrap content"><div class="narrow">${main}</div></div>`,
  });
}

export type SubscribeState = 'form' | 'check_email' | 'confirmed' | 'unsubscribed' | 'confirm_unsubscribe' | 'error';

export interface SubscribePageInput {
  org: OrgBranding;
  lang: Lang;
  baseUrl: string;
  state: SubscribeState;
  topics?: Option[];
  csrfToken?: string;
  /** A code (`invalid_email`, `expired_link`, `rate_limited`, `generic`) or a message. */
  error?: string;
  /** Values to put back in the form after an error. */
  values?: { email?: string; language?: Lang; topics?: string[] };
  /** `confirm_unsubscribe`: where the unsubscribe button posts (the one-click URL of RFC 8058). */
  unsubscribeUrl?: string;
}

/** `/{org}/subscribe`: a plain form posting to the same URL, and the pages after it. */
export function renderSubscribePage(input: SubscribePageInput): string {
  const { org, lang, state } = input;
  const urls = publicUrls(input.baseUrl, org.slug);
  const q = langQuery(lang);
  const back = html`<p><a href="${withQuery(urls.board, q)}">${t(lang, 'backToUpdates')}</a></p>`;
  const csrf = input.csrfToken ? html`<input type="hidden" name="csrf" value="${input.csrfToken}">` : '';
  let title: string;
  let main: SafeHtml;
  if (state === 'check_email') {
    title = t(lang, 'checkEmailTitle');
    main = notice(title, t(lang, 'checkEmailBody'), html`<p class="muted">${t(lang, 'checkEmailHint')}</p>`);
  } else if (state === 'confirmed') {
    title = t(lang, 'confirmedTitle');
    main = html`${notice(title, t(lang, 'confirmedBody'))}${back}`;
  } else if (state === 'unsubscribed') {
    title = t(lang, 'unsubscribedTitle');
    main = html`${notice(title, t(lang, 'unsubscribedBody'))}${back}`;
  } else if (state === 'confirm_unsubscribe') {
    title = t(lang, 'confirmUnsubscribeTitle');
    main = html`<h1>${title}</h1><p>${t(lang, 'confirmUnsubscribeBody')}</p><form method="post" action="${
      input.unsubscribeUrl ?? withQuery(urls.subscribe, q)
    }">${csrf}<input type="hidden" name="List-Unsubscribe" value="One-Click"><button class="button" type="submit">${t(
      lang,
      'unsubscribe',
    )}</button></form>`;
  } else if (state === 'error') {
    title = t(lang, 'errorSummaryTitle');
    main = html`${notice(title, errorMessage(lang, input.error ?? 'generic'))}<p><a href="${withQuery(
      urls.subscribe,
      q,
    )}">${t(lang, 'subscribeTitle')}</a></p>`;
  } else {
    title = t(lang, 'subscribeTitle');
    main = subscribeForm(input, urls.subscribe);
  }
  return shell(org, lang, input.baseUrl, title, urls.subscribe, main);
}

function subscribeForm(input: SubscribePageInput, action: string): SafeHtml {
  const { org, lang, values } = input;
  const fieldError = input.error ? errorMessage(lang, input.error) : null;
  const chosenLanguage = values?.language ?? lang;
  const languages =
    org.languages.length > 1
      ? html`<fieldset><legend>${t(lang, 'emailLanguageLegend')}</legend><div class="choices">${org.languages.map(
          (l) =>
            html`<label class="choice"><input type="radio" name="language" value="${l}"${
              l === chosenLanguage ? html` checked` : ''
            }> <span lang="${l}">${LANGUAGE_NAMES[l]}</span></label>`,
        )}</div></fieldset>`
      : html`<input type="hidden" name="language" value="${org.languages[0] ?? lang}">`;
  const chosenTopics = new Set(values?.topics ?? []);
  const topics = input.topics?.length
    ? html`<fieldset aria-describedby="topics-hint"><legend>${t(lang, 'topicsLegend')}</legend><p class="hint" id="topics-hint">${t(
        lang,
        'topicsHint',
      )}</p><div class="choices">${input.topics.map(
        (topic) =>
          html`<label class="choice"><input type="checkbox" name="topics" value="${topic.key}"${
            chosenTopics.has(topic.key) ? html` checked` : ''
          }> <span>${topic.name}</span></label>`,
      )}</div></fieldset>`
    : '';
  const describedBy = fieldError ? 'email-hint email-error' : 'email-hint';
  return html`${errorSummary(lang, fieldError ? [{ field: 'email', message: fieldError }] : [])}<h1>${t(
    lang,
    'subscribeTitle',
  )}</h1><p class="lede">${t(lang, 'subscribeIntro')}</p><form method="post" action="${withQuery(
    action,
    langQuery(lang),
  )}" novalidate>${input.csrfToken ? html`<input type="hidden" name="csrf" value="${input.csrfToken}">` : ''}<div class="field${
    fieldError ? ' field--error' : ''
  }"><label for="email">${t(lang, 'emailLabel')}</label><span class="hint" id="email-hint">${t(lang, 'emailHint')}</span>${
    fieldError ? html`<span class="error-message" id="email-error">${fieldError}</span>` : ''
  }<input type="email" id="email" name="email" autocomplete="email" spellcheck="false" required aria-describedby="${describedBy}"${
    fieldError ? html` aria-invalid="true"` : ''
  } value="${values?.email ?? ''}"></div>${languages}${topics}<button class="button" type="submit">${t(
    lang,
    'subscribeButton',
  )}</button></form>`;
}

export interface NotFoundInput {
  /** Null when the organisation itself is unknown. */
  org?: OrgBranding | null;
  lang: Lang;
  baseUrl: string;
}

export function renderNotFoundPage(input: NotFoundInput): string {
  const { lang } = input;
  const body = html`<h1>${t(lang, 'notFoundTitle')}</h1><p>${t(lang, 'notFoundBody')}</p>`;
  if (!input.org) {
    const org: OrgBranding = { slug: '', name: 'closeloop', languages: ['en', 'cy'] };
    return page({
      org,
      lang,
      baseUrl: input.baseUrl,
      title: t(lang, 'notFoundTitle'),
      main: html`<div class="wrap content"><div class="narrow">${body}</div></div>`,
      chrome: 'minimal',
      robots: 'noindex',
    });
  }
  const urls = publicUrls(input.baseUrl, input.org.slug);
  return page({
    org: input.org,
    lang,
    baseUrl: input.baseUrl,
    title: `${t(lang, 'notFoundTitle')} – ${orgName(input.org, lang)}`,
    pageUrl: urls.board,
    robots: 'noindex',
    main: html`<div class="wrap content"><div class="narrow">${body}<p><a href="${withQuery(
      urls.board,
      langQuery(lang),
    )}">${t(lang, 'boardTitle')}</a></p></div></div>`,
  });
}

export { errorSummary, LANGUAGE_NAMES, notice, shell };

import { html, type SafeHtml } from './html.ts';
import { type MessageKey, t } from './i18n.ts';
import { errorMessage, errorSummary, notice, shell } from './pages.ts';
import type { Lang, Option, OrgBranding } from './types.ts';
import { langQuery, publicUrls, withQuery } from './urls.ts';

export type FeedbackField = 'text' | 'rating' | 'service_point' | 'customer_group' | 'name' | 'email' | 'phone';

export interface FeedbackFormValues {
  text?: string;
  rating?: number | string;
  servicePoint?: string;
  customerGroup?: string;
  name?: string;
  email?: string;
  phone?: string;
  consentContact?: boolean;
  consentOutcome?: boolean;
}

export interface FeedbackFormInput {
  org: OrgBranding;
  lang: Lang;
  baseUrl: string;
  /** The widget site key the submission is checked against. */
  siteKey: string;
  servicePoints: Option[];
  customerGroups?: Option[];
  state: 'form' | 'thanks' | 'error';
  /** A general error (code or message) shown in the summary. */
  error?: string;
  /** Field errors by field name: a code (`text_required`, `text_too_long`, `invalid_email`, …) or a message. */
  fieldErrors?: Partial<Record<FeedbackField, string>>;
  values?: FeedbackFormValues;
  csrfToken?: string;
  /** Longest feedback accepted, for the textarea and the "too long" message; default 5000. */
  maxLength?: number;
}

/** Name of the honeypot field: people never see it, bots fill it in. */
export const HONEYPOT_FIELD = 'website';

const RATING_KEYS: MessageKey[] = ['rating1', 'rating2', 'rating3', 'rating4', 'rating5'];

/** The hosted feedback form at `/{org}/feedback`: works without JavaScript, posts to the same URL. */
export function renderFeedbackFormPage(input: FeedbackFormInput): string {
  const { org, lang } = input;
  const urls = publicUrls(input.baseUrl, org.slug);
  const q = langQuery(lang);
  let title: string;
  let main: SafeHtml;
  if (input.state === 'thanks') {
    title = t(lang, 'thanksTitle');
    main = notice(
      title,
      t(lang, 'thanksBody'),
      html`<p><a href="${withQuery(urls.board, q)}">${t(lang, 'boardTitle')}</a></p>`,
    );
  } else {
    title = t(lang, 'feedbackTitle');
    main = feedbackForm(input, withQuery(urls.feedback, q));
  }
  return shell(org, lang, input.baseUrl, title, urls.feedback, main);
}

function feedbackForm(input: FeedbackFormInput, action: string): SafeHtml {
  const { lang, values = {} } = input;
  const maxLength = input.maxLength ?? 5000;
  const errors = Object.entries(input.fieldErrors ?? {}).flatMap(([field, code]) =>
    code ? [{ field, message: errorMessage(lang, code, { max: maxLength }) }] : [],
  );
  if (input.error || input.state === 'error') {
    errors.unshift({ field: '', message: errorMessage(lang, input.error ?? 'generic') });
  }
  const fieldError = (field: FeedbackField) => errors.find((e) => e.field === field)?.message;
  const errorFor = (field: FeedbackField) => {
    const message = fieldError(field);
    return message ? html`<span class="error-message" id="${field}-error">${message}</span>` : '';
  };
  const fieldClass = (field: FeedbackField) => (fieldError(field) ? 'field field--error' : 'field');
  const describedBy = (field: FeedbackField, hint?: string) =>
    [hint, fieldError(field) ? `${field}-error` : undefined].filter(Boolean).join(' ');
  const invalid = (field: FeedbackField) => (fieldError(field) ? html` aria-invalid="true"` : '');
  const select = (field: FeedbackField, label: string, none: string, options: Option[], current?: string) =>
    html`<div class="${fieldClass(field)}"><label for="${field}">${label}</label>${errorFor(field)}<select id="${field}" name="${field}"${invalid(
      field,
    )}><option value="">${none}</option>${options.map(
      (o) => html`<option value="${o.key}"${current === o.key ? html` selected` : ''}>${o.name}</option>`,
    )}</select></div>`;
  const rating = String(values.rating ?? '');
  const ratings = RATING_KEYS.map(
    (key, i) =>
      html`<label class="choice"><input type="radio" name="rating" value="${i + 1}"${
        rating === String(i + 1) ? html` checked` : ''
      }> <span>${i + 1} – ${t(lang, key)}</span></label>`,
  );
  const textDescribedBy = describedBy('text', 'text-hint');
  const checkbox = (name: string, label: string, checked?: boolean) =>
    html`<label class="choice"><input type="checkbox" name="${name}" value="yes"${checked ? html` checked` : ''}> <span>${label}</span></label>`;
  return html`${errorSummary(lang, errors)}<h1>${t(lang, 'feedbackTitle')}</h1><p class="lede">${t(
    lang,
    'feedbackIntro',
  )}</p><form method="post" action="${action}" novalidate><input type="hidden" name="site_key" value="${input.siteKey}"><input type="hidden" name="language" value="${lang}">${
    input.csrfToken ? html`<input type="hidden" name="csrf" value="${input.csrfToken}">` : ''
  }<div class="${fieldClass('text')}"><label for="text">${t(lang, 'feedbackTextLabel')}</label><span class="hint" id="text-hint">${t(
    lang,
    'feedbackTextHint',
  )}</span>${errorFor('text')}<textarea id="text" name="text" rows="6" maxlength="${maxLength}" required aria-describedby="${textDescribedBy}"${invalid(
    'text',
  )}>${values.text ?? ''}</textarea></div><fieldset class="${fieldClass('rating')}" id="rating"><legend>${t(lang, 'ratingLegend')}</legend>${errorFor(
    'rating',
  )}<div class="choices">${ratings}</div></fieldset>${
    input.servicePoints.length
      ? select(
          'service_point',
          t(lang, 'servicePointLabel'),
          t(lang, 'servicePointNone'),
          input.servicePoints,
          values.servicePoint,
        )
      : ''
  }${
    input.customerGroups?.length
      ? select(
          'customer_group',
          t(lang, 'customerGroupLabel'),
          t(lang, 'customerGroupNone'),
          input.customerGroups,
          values.customerGroup,
        )
      : ''
  }<fieldset aria-describedby="contact-hint"><legend>${t(lang, 'contactLegend')}</legend><p class="hint" id="contact-hint">${t(
    lang,
    'contactHint',
  )}</p><div class="${fieldClass('name')}"><label for="name">${t(lang, 'nameLabel')}</label>${errorFor(
    'name',
  )}<input type="text" id="name" name="name" autocomplete="name" value="${values.name ?? ''}"${invalid('name')}></div><div class="${fieldClass(
    'email',
  )}"><label for="email">${t(lang, 'emailLabel')}</label>${errorFor('email')}<input type="email" id="email" name="email" autocomplete="email" spellcheck="false" value="${
    values.email ?? ''
  }"${invalid('email')}${fieldError('email') ? html` aria-describedby="email-error"` : ''}></div><div class="${fieldClass(
    'phone',
  )}"><label for="phone">${t(lang, 'phoneLabel')}</label>${errorFor('phone')}<input type="tel" id="phone" name="phone" autocomplete="tel" value="${
    values.phone ?? ''
  }"${invalid('phone')}${fieldError('phone') ? html` aria-describedby="phone-error"` : ''}></div><div class="choices field">${checkbox(
    'consent_contact',
    t(lang, 'consentContact'),
    values.consentContact,
  )}${checkbox('consent_outcome', t(lang, 'consentOutcome'), values.consentOutcome)}</div><p class="hint">${t(
    lang,
    'privacyNote',
  )}</p></fieldset><div class="hp" aria-hidden="true"><label for="${HONEYPOT_FIELD}">${t(
    lang,
    'honeypotLabel',
  )}</label><input type="text" id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></div><button class="button" type="submit">${t(
    lang,
    'sendFeedback',
  )}</button></form>`;
}

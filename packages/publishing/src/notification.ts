import { palette } from './colour.ts';
import { emailButton, emailHeading, emailParagraph, emailShell, excerpt, unsubscribeHeaders } from './email.ts';
import { orgName, statusLabel } from './format.ts';
import { html } from './html.ts';
import { t } from './i18n.ts';
import type { ActionStatus, Lang, OrgBranding, RenderedEmail } from './types.ts';

/** The action as told to one contributor, already in their language. */
export interface NotificationAction {
  title: string;
  statement: string;
  status: ActionStatus;
  declinedReason?: string | null;
}

export interface ContributorNotificationInput {
  org: OrgBranding;
  /** The contributor's language. */
  lang: Lang;
  contributorName?: string | null;
  /** What they told us (redacted), shortened to 400 characters. */
  youSaidExcerpt: string;
  action: NotificationAction;
  entryUrl: string;
  unsubscribeUrl: string;
}

/** Outcome lines shared by the email, its text part and the letter. */
export function outcomeLines(lang: Lang, action: NotificationAction): { heading: string; lines: string[] } {
  const declined = action.status === 'declined';
  const lines = [`${statusLabel(lang, action.status)}: ${action.title}`];
  if (action.statement.trim()) lines.push(action.statement.trim());
  if (declined) {
    const reason = action.declinedReason?.trim();
    lines.push(reason ? `${t(lang, 'declinedBecause')} ${reason}` : t(lang, 'declinedNoReason'));
  }
  return { heading: declined ? t(lang, 'weDecided') : t(lang, 'weDid'), lines };
}

export function greeting(lang: Lang, name: string | null | undefined): string {
  const trimmed = name?.replace(/\s+/g, ' ').trim();
  return trimmed ? t(lang, 'emailGreetingNamed', { name: trimmed }) : t(lang, 'emailGreeting');
}

/** The "You told us… we did…" email to a person whose feedback led to (or was declined for) a change. */
export function renderContributorNotification(input: ContributorNotificationInput): RenderedEmail {
  const { org, lang, action } = input;
  const name = orgName(org, lang);
  const colours = palette(org.primaryColour);
  const subject = `${name}: ${t(lang, 'notifySubject')}`;
  const said = excerpt(input.youSaidExcerpt, 400);
  const outcome = outcomeLines(lang, action);
  const declined = action.status === 'declined';
  const reason = action.declinedReason?.trim();
  const content = html`${emailParagraph(greeting(lang, input.contributorName))}${emailParagraph(t(lang, 'notifyIntro'))}${emailHeading(
    t(lang, 'youToldUs'),
    colours.accent,
  )}<p style="margin:0 0 16px;padding:8px 0 8px 16px;border-left:4px solid ${colours.soft};">“${said}”</p>${emailHeading(
    outcome.heading,
    colours.accent,
  )}<p style="margin:0 0 8px;"><span style="display:inline-block;padding:2px 8px;border-radius:4px;background:${
    declined ? '#fcd6c3' : '#cce2d8'
  };color:${declined ? '#6e3619' : '#005a30'};font-size:14px;font-weight:bold;">${statusLabel(
    lang,
    action.status,
  )}</span></p><p style="margin:0 0 8px;font-size:18px;font-weight:bold;">${action.title}</p>${
    action.statement.trim() ? emailParagraph(action.statement.trim()) : ''
  }${
    declined
      ? emailParagraph(
          reason
            ? html`<strong>${t(lang, 'declinedBecause')}</strong> ${reason}`
            : html`<strong>${t(lang, 'declinedNoReason')}</strong>`,
          'padding:8px 12px;background:#f4f6f8;border-left:4px solid #6e3619;',
        )
      : ''
  }${emailButton(input.entryUrl, t(lang, 'readFullUpdate'), org.primaryColour)}${emailParagraph(
    html`${t(lang, 'signOff')}<br>${name}`,
  )}`;
  const footer = html`${t(lang, 'notifyWhy')} <a href="${input.unsubscribeUrl}" style="color:#4b5458;">${t(lang, 'stopEmails')}</a>`;
  const text = [
    greeting(lang, input.contributorName),
    '',
    t(lang, 'notifyIntro'),
    '',
    `${t(lang, 'youToldUs')}:`,
    `“${said}”`,
    '',
    `${outcome.heading}:`,
    ...outcome.lines,
    '',
    `${t(lang, 'readFullUpdate')}: ${input.entryUrl}`,
    '',
    t(lang, 'signOff'),
    name,
    '',
    '--',
    t(lang, 'notifyWhy'),
    `${t(lang, 'stopEmails')}: ${input.unsubscribeUrl}`,
    '',
  ].join('\n');
  return {
    subject,
    html: emailShell({
      lang,
      subject,
      preheader: outcome.lines[0] ?? subject,
      orgName: name,
      primaryColour: org.primaryColour,
      content,
      footer,
    }),
    text,
    headers: unsubscribeHeaders(input.unsubscribeUrl),
  };
}

export interface DoubleOptInInput {
  org: OrgBranding;
  lang: Lang;
  confirmUrl: string;
}

/** The confirmation email of double opt-in: nothing is sent to the address until the link is followed. */
export function renderDoubleOptInEmail(input: DoubleOptInInput): RenderedEmail {
  const { org, lang } = input;
  const name = orgName(org, lang);
  const subject = `${name}: ${t(lang, 'confirmSubject')}`;
  const content = html`${emailParagraph(t(lang, 'emailGreeting'))}${emailParagraph(t(lang, 'confirmBody'))}${emailButton(
    input.confirmUrl,
    t(lang, 'confirmButton'),
    org.primaryColour,
  )}${emailParagraph(t(lang, 'confirmIgnore'), 'color:#4b5458;font-size:14px;')}${emailParagraph(
    html`${t(lang, 'signOff')}<br>${name}`,
  )}`;
  const text = [
    t(lang, 'emailGreeting'),
    '',
    t(lang, 'confirmBody'),
    '',
    `${t(lang, 'confirmButton')}: ${input.confirmUrl}`,
    '',
    t(lang, 'confirmIgnore'),
    '',
    t(lang, 'signOff'),
    name,
    '',
  ].join('\n');
  return {
    subject,
    html: emailShell({
      lang,
      subject,
      preheader: t(lang, 'confirmBody'),
      orgName: name,
      primaryColour: org.primaryColour,
      content,
      footer: html`${name}`,
    }),
    text,
    headers: {},
  };
}

import { palette } from './colour.ts';
import { html, type SafeHtml } from './html.ts';
import type { Lang } from './types.ts';

/**
 * A hand-written, table-based email layout for the short transactional emails: it renders in
 * Outlook and Gmail, needs no compile step (MJML 5 is async), and keeps every style inline.
 */
export const EMAIL_FONT = 'Arial,Helvetica,sans-serif';

export interface EmailShellOptions {
  lang: Lang;
  subject: string;
  /** Hidden preview text shown by mail clients next to the subject. */
  preheader: string;
  orgName: string;
  primaryColour?: string | null;
  content: SafeHtml;
  footer: SafeHtml;
}

export function emailShell(options: EmailShellOptions): string {
  const colours = palette(options.primaryColour);
  const lang = options.lang === 'cy' ? 'cy' : 'en';
  return `<!doctype html>
${
  html`<html lang="${lang}" dir="ltr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light"><meta name="supported-color-schemes" content="light"><title>${options.subject}</title></head>
<body style="margin:0;padding:0;background:#f4f6f8;">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">${options.preheader}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f6f8;"><tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background:#ffffff;border:1px solid #d3d9de;border-radius:8px;">
<tr><td style="background:${colours.brand};color:${colours.onBrand};padding:20px 28px;font-family:${EMAIL_FONT};font-size:18px;font-weight:bold;line-height:1.3;border-radius:8px 8px 0 0;">${options.orgName}</td></tr>
<tr><td style="padding:28px;font-family:${EMAIL_FONT};font-size:16px;line-height:1.5;color:#0b0c0c;">${options.content}</td></tr>
</table>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;"><tr><td style="padding:16px 28px;font-family:${EMAIL_FONT};font-size:13px;line-height:1.5;color:#4b5458;">${options.footer}</td></tr></table>
</td></tr></table>
</body></html>`.value
}
`;
}

export function emailParagraph(content: SafeHtml | string, style = ''): SafeHtml {
  return html`<p style="margin:0 0 16px;${style}">${content}</p>`;
}

export function emailHeading(content: string, colour: string): SafeHtml {
  return html`<p style="margin:24px 0 8px;font-size:13px;font-weight:bold;letter-spacing:1px;text-transform:uppercase;color:${colour};">${content}</p>`;
}

export function emailButton(href: string, label: string, primaryColour?: string | null): SafeHtml {
  const { accent } = palette(primaryColour);
  return html`<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:24px 0;"><tr><td style="background:${accent};border-radius:4px;"><a href="${href}" style="display:inline-block;padding:12px 20px;font-family:${EMAIL_FONT};font-size:16px;font-weight:bold;color:#ffffff;text-decoration:none;">${label}</a></td></tr></table>`;
}

/** RFC 8058 one-click unsubscribe headers for nodemailer's `headers`. */
export function unsubscribeHeaders(unsubscribeUrl: string | null | undefined): Record<string, string> {
  if (!unsubscribeUrl) return {};
  return { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** Shortens to at most `max` characters at a word boundary. */
export function excerpt(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:]+$/, '')}…`;
}

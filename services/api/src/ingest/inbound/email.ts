import type { FeedbackInputRaw } from '@closeloop/domain';
import type { AddressObject } from 'mailparser';
import { buildContact } from '../contact.ts';
import { toIsoInstant } from '../dates.ts';
import { InboundPayloadError } from '../errors.ts';
import { contactLanguage, primaryLanguage } from '../language.ts';
import { boundedId, cleanText, htmlToPlainText } from '../text.ts';
import { compact } from '../values.ts';
import type { InboundResult } from './types.ts';

/** Lines that start the quoted earlier message in a reply, in English and Welsh mail clients and Outlook. */
const REPLY_HEADER = [
  /^On .{4,200}wrote:\s*$/,
  /^Ar .{4,200}ysgrifennodd.{0,80}:\s*$/,
  /^-{2,}\s*Original Message\s*-{2,}\s*$/i,
  /^-{2,}\s*Neges Wreiddiol\s*-{2,}\s*$/i,
  /^_{10,}\s*$/,
  /^From: .+$/,
];

/**
 * Keeps what the sender wrote in this message: stops at the RFC 3676 signature separator ("-- ") and at the
 * header of a quoted earlier message, and drops ">"-quoted lines. Sign-offs inside the body stay
 * (they are part of the message; redaction removes phone numbers later).
 */
export function stripQuotedReply(text: string): string {
  const kept: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '-- ' || line === '--') break;
    if (REPLY_HEADER.some((pattern) => pattern.test(line.trim())) && kept.some((k) => k.trim() !== '')) break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line);
  }
  return cleanText(kept.join('\n'));
}

function firstAddress(field: AddressObject | AddressObject[] | undefined) {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  for (const group of list) for (const entry of group.value) if (entry.address) return entry;
  return undefined;
}

function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/**
 * A raw RFC 5322 message → one `email` feedback. Complaints sent by email stay on the `email` channel: the
 * complaint details (case reference, SLA dates) are created by staff triage, and the email details keep the
 * message id, sender and subject that a reply needs.
 */
export async function mapEmail(body: unknown): Promise<InboundResult> {
  if (typeof body !== 'string' && !Buffer.isBuffer(body)) {
    throw new InboundPayloadError(
      'unrecognised_payload',
      'email expects the raw RFC 5322 message as the request body (message/rfc822 or text/plain)',
    );
  }
  const raw = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  // The first line is a header field ("Name: value"), or an mbox "From " separator.
  if (!/^(?:From [^\r\n]*\r?\n)?[A-Za-z0-9-]+:[ \t]/.test(raw.subarray(0, 4096).toString('latin1'))) {
    throw new InboundPayloadError('unrecognised_payload', 'email expects an RFC 5322 message starting with headers');
  }
  const { simpleParser } = await import('mailparser'); // loaded with the first inbound email
  const mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const sender = firstAddress(mail.from);
  if (!sender && !mail.messageId) {
    throw new InboundPayloadError('unrecognised_payload', 'email expects an RFC 5322 message with a From header');
  }

  const bodyText = mail.text?.trim() ? cleanText(mail.text) : mail.html ? htmlToPlainText(mail.html) : '';
  const text = stripQuotedReply(bodyText);
  const ref = mail.messageId ?? sender?.address;
  if (!text) return { items: [], skipped: [{ reason: 'the message has no text body', ...(ref ? { ref } : {}) }] };

  const headerLanguage = headerText(mail.headers.get('content-language'));
  const htmlLanguage = mail.html
    ? /<(?:body|html)\b[^>]*\blang\s*=\s*["']?([a-zA-Z-]+)/i.exec(mail.html)?.[1]
    : undefined;
  const language = primaryLanguage(headerLanguage ?? htmlLanguage);
  const inReplyTo = typeof mail.inReplyTo === 'string' ? mail.inReplyTo : undefined;

  const item: FeedbackInputRaw = compact({
    channel: 'email' as const,
    text,
    language,
    receivedAt: toIsoInstant(mail.date),
    source: mail.messageId ? 'email' : undefined,
    externalId: mail.messageId ? boundedId(mail.messageId) : undefined,
    details: compact({
      kind: 'email' as const,
      messageId: mail.messageId?.slice(0, 998),
      from: mail.from?.text?.slice(0, 998),
      subject: mail.subject?.slice(0, 998),
      inReplyTo: inReplyTo?.slice(0, 998),
    }),
    contact: buildContact({
      name: sender?.name,
      email: sender?.address,
      language: contactLanguage(headerLanguage ?? htmlLanguage),
    }),
  });
  return { items: [item], skipped: [] };
}

import { type ContactInput, contactInputSchema, type Lang } from '@closeloop/domain';
import { compact } from './values.ts';

export interface ContactParts {
  name?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  postalAddress?: string | undefined;
  language?: Lang | undefined;
  consentContact?: boolean | undefined;
  consentOutcome?: boolean | undefined;
}

const { email: emailSchema, phone: phoneSchema, name: nameSchema } = contactInputSchema.shape;

export function validEmail(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const parsed = emailSchema.safeParse(value.trim());
  return parsed.success ? parsed.data : undefined;
}

export function validPhone(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const parsed = phoneSchema.safeParse(value.trim());
  return parsed.success ? parsed.data : undefined;
}

/**
 * A contact block that always passes `contactInputSchema`: invalid parts are dropped, and no block is
 * returned when nothing would let anyone reach the person. Consent is never assumed (false unless given).
 */
export function buildContact(parts: ContactParts): ContactInput | undefined {
  const nameParse = parts.name ? nameSchema.safeParse(parts.name.replace(/\s+/g, ' ')) : undefined;
  const name = nameParse?.success ? nameParse.data : undefined;
  const email = validEmail(parts.email);
  const phone = validPhone(parts.phone);
  const postalAddress = parts.postalAddress?.trim() ? parts.postalAddress.trim().slice(0, 1000) : undefined;
  if (!name && !email && !phone && !postalAddress) return undefined;
  return compact({
    name,
    email,
    phone,
    postalAddress,
    language: parts.language,
    consentContact: parts.consentContact ?? false,
    consentOutcome: parts.consentOutcome ?? false,
  });
}

/** "email or phone" free-text contact cells (comment cards, "your email address or phone number"). */
export function splitContactCell(cell: string | undefined): { email?: string; phone?: string } | undefined {
  const text = cell?.trim();
  if (!text) return undefined;
  const emailMatch = /[^\s,;<>()]+@[^\s,;<>()]+\.[^\s,;<>()]+/.exec(text);
  const email = validEmail(emailMatch?.[0]);
  const phoneMatch = /\+?[\d(][\d ()-]{5,}\d/.exec(text);
  const phone = validPhone(phoneMatch?.[0]);
  if (!email && !phone) return undefined;
  return compact({ email, phone });
}

const YES = new Set(['y', 'yes', 'true', '1', 'x', '✓', '✔', 'ok', 'ie', 'oes', 'do', 'agreed', 'i agree']);

/** Free-form consent ticks (`Y`, `yes`, `✓`, `YES `): anything else, blank included, is no. */
export function isYes(cell: string | undefined): boolean {
  return cell !== undefined && YES.has(cell.trim().toLowerCase());
}

/** Question wording that asks for permission to get back to the person. */
export function asksToContact(question: string): boolean {
  return /\b(contact|get back to|reply to) you\b|\bcontact (me|about)\b|\bconsent\w* to (be )?contact|\bcysylltu\b/i.test(
    question,
  );
}

import type { Lang } from '@closeloop/domain';

/** BCP-47 tag → lower-case primary subtag (`en-GB` → `en`, `CY` → `cy`); undefined when it is not a language tag. */
export function primaryLanguage(tag: string | null | undefined): string | undefined {
  if (!tag) return undefined;
  const match = /^\s*([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*\s*$/i.exec(tag);
  return match?.[1]?.toLowerCase();
}

const LANGUAGE_NAMES: Record<string, Lang> = {
  welsh: 'cy',
  cymraeg: 'cy',
  english: 'en',
  saesneg: 'en',
};

/** The contact's preferred language, when it is one the organisation writes in. */
export function contactLanguage(value: string | null | undefined): Lang | undefined {
  if (!value) return undefined;
  const named = LANGUAGE_NAMES[value.trim().toLowerCase()];
  if (named) return named;
  const primary = primaryLanguage(value);
  return primary === 'en' || primary === 'cy' ? primary : undefined;
}

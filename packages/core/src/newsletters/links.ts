import type { Sealer } from '@closeloop/db';

/**
 * The unsubscribe token of a subscriber: derived from its id with the secret key, so anything that
 * holds the key (the publisher's subscribe pages, the worker's newsletter sender) can rebuild the link;
 * only its sha256 is stored for lookup.
 */
export function unsubscribeToken(sealer: Sealer, subscriberId: string): string {
  return `${subscriberId}.${sealer.lookupHash(`unsubscribe|${subscriberId}`)}`;
}

/** The RFC 8058 one-click URL (`List-Unsubscribe`) and the page a person opens from an email. */
export function unsubscribeUrl(publicUrl: string, orgSlug: string, sealer: Sealer, subscriberId: string): string {
  const token = encodeURIComponent(unsubscribeToken(sealer, subscriberId));
  return `${publicUrl.replace(/\/+$/, '')}/${encodeURIComponent(orgSlug)}/unsubscribe?token=${token}`;
}

import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where webhooks may be sent (SSRF protection). By default only public addresses over https:
 * loopback, private (RFC 1918, ULA, CGNAT), link-local (cloud metadata at 169.254.169.254),
 * multicast and reserved ranges are refused, both when a subscription is created and again at each
 * delivery after DNS resolution (so a name that later resolves inward is still refused).
 *
 * `WEBHOOK_ALLOWED_TARGETS` opens exceptions, comma separated: `loopback`, `private`, an IP or CIDR
 * (`10.20.0.0/16`), or a host name (`hooks.internal`). An allow-listed target may also use plain http.
 */
export interface WebhookTargetPolicy {
  allowLoopback: boolean;
  allowPrivate: boolean;
  hosts: ReadonlySet<string>;
  ranges: BlockList;
}

export class WebhookTargetError extends Error {
  override name = 'WebhookTargetError';
  constructor(
    readonly code: 'webhook_url_invalid' | 'webhook_target_forbidden' | 'webhook_url_unresolvable',
    message: string,
  ) {
    super(message);
  }
}

const LOOPBACK = ranges([
  ['127.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
]);
const PRIVATE = ranges([
  ['10.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['fc00::', 7, 'ipv6'],
]);
/** Never reachable unless an explicit IP/CIDR entry allows it: link-local, unspecified, multicast, reserved. */
const RESERVED = ranges([
  ['0.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
]);

function ranges(list: [string, number, 'ipv4' | 'ipv6'][]): BlockList {
  const block = new BlockList();
  for (const [net, prefix, type] of list) block.addSubnet(net, prefix, type);
  return block;
}

/** Parses `WEBHOOK_ALLOWED_TARGETS`; throws on an entry that is neither a keyword, an IP/CIDR nor a host name. */
export function parseTargetPolicy(allowList: string | undefined): WebhookTargetPolicy {
  const policy = { allowLoopback: false, allowPrivate: false, hosts: new Set<string>(), ranges: new BlockList() };
  for (const raw of (allowList ?? '').split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === 'loopback') policy.allowLoopback = true;
    else if (entry === 'private') policy.allowPrivate = true;
    else if (entry.includes('/')) {
      const [net = '', bits = ''] = entry.split('/');
      const family = isIP(net);
      const prefix = Number(bits);
      if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) {
        throw new Error(`WEBHOOK_ALLOWED_TARGETS: "${raw.trim()}" is not a CIDR range`);
      }
      policy.ranges.addSubnet(net, prefix, family === 4 ? 'ipv4' : 'ipv6');
    } else if (isIP(entry)) policy.ranges.addAddress(entry, isIP(entry) === 4 ? 'ipv4' : 'ipv6');
    else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry)) policy.hosts.add(entry);
    else throw new Error(`WEBHOOK_ALLOWED_TARGETS: "${raw.trim()}" is not a host, IP, CIDR, "loopback" or "private"`);
  }
  return policy;
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is judged as the IPv4 address it carries. */
function normalise(address: string): { address: string; type: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return { address: mapped[1], type: 'ipv4' };
  return { address, type: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** Why an address is refused under `policy`, or null when it may be called. */
export function refusedAddress(policy: WebhookTargetPolicy, rawAddress: string): string | null {
  const { address, type } = normalise(rawAddress);
  if (policy.ranges.check(address, type)) return null;
  if (LOOPBACK.check(address, type)) return policy.allowLoopback ? null : 'a loopback address';
  if (PRIVATE.check(address, type)) return policy.allowPrivate ? null : 'a private address';
  if (RESERVED.check(address, type)) return 'a link-local or reserved address';
  return null;
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

function isAllowListed(policy: WebhookTargetPolicy, host: string): boolean {
  if (policy.hosts.has(host)) return true;
  if (isIP(host)) {
    const { address, type } = normalise(host);
    return (
      policy.ranges.check(address, type) ||
      (policy.allowLoopback && LOOPBACK.check(address, type)) ||
      (policy.allowPrivate && PRIVATE.check(address, type))
    );
  }
  return policy.allowLoopback && (host === 'localhost' || host.endsWith('.localhost'));
}

/** Checks a subscription URL's shape: absolute https (http only to an allow-listed target), no credentials. */
export function checkWebhookUrl(policy: WebhookTargetPolicy, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookTargetError('webhook_url_invalid', 'The webhook URL is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new WebhookTargetError('webhook_url_invalid', 'The webhook URL must use https');
  }
  if (url.username || url.password) {
    throw new WebhookTargetError('webhook_url_invalid', 'The webhook URL must not carry credentials');
  }
  const host = hostOf(url);
  if (url.protocol === 'http:' && !isAllowListed(policy, host)) {
    throw new WebhookTargetError('webhook_url_invalid', 'The webhook URL must use https');
  }
  if (isIP(host)) {
    const why = refusedAddress(policy, host);
    if (why) throw new WebhookTargetError('webhook_target_forbidden', `The webhook URL points to ${why}`);
  } else if ((host === 'localhost' || host.endsWith('.localhost')) && !policy.allowLoopback) {
    throw new WebhookTargetError('webhook_target_forbidden', 'The webhook URL points to a loopback address');
  }
  return url;
}

/**
 * Resolves the URL's host and refuses it when any address it resolves to is refused (a name with
 * one public and one private address is refused as a whole). Allow-listed host names skip the check.
 */
export async function assertDeliverable(
  policy: WebhookTargetPolicy,
  url: URL,
  resolve: (host: string) => Promise<{ address: string }[]> = (host) => lookup(host, { all: true, verbatim: true }),
): Promise<void> {
  const host = hostOf(url);
  if (policy.hosts.has(host)) return;
  let addresses: { address: string }[];
  if (isIP(host)) addresses = [{ address: host }];
  else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      throw new WebhookTargetError(
        'webhook_url_unresolvable',
        `The webhook host ${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  if (addresses.length === 0) {
    throw new WebhookTargetError('webhook_url_unresolvable', `The webhook host ${host} does not resolve`);
  }
  for (const { address } of addresses) {
    const why = refusedAddress(policy, address);
    if (why) throw new WebhookTargetError('webhook_target_forbidden', `The webhook host ${host} resolves to ${why}`);
  }
}

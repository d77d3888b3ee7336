import { addressBytes, parseCidr, rangeContains } from '../../http/ip-ranges.js';
import { fail, type TrustedProxies, type VerifyContext, type VerifyRequest, type VerifyResult } from './types.js';

/**
 * CIDR allow-lists for IPv4 and IPv6, combinable with any scheme, and the
 * client address behind trusted proxies.
 */

/** Strips a port: `1.2.3.4:80` and `[::1]:80`; leaves bare IPv6 alone. */
function stripPort(entry: string): string {
  const value = entry.trim();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end > 0 ? value.slice(1, end) : value;
  }
  const colon = value.indexOf(':');
  return colon > 0 && colon === value.lastIndexOf(':') ? value.slice(0, colon) : value;
}

/**
 * The proxies the operator listed (`daemon.trustProxy`), as a predicate. Only
 * a request whose socket peer is one of them has its X-Forwarded-* headers
 * believed: anyone else can write those headers.
 */
export function compileTrustedProxies(rules: readonly string[]): TrustedProxies | undefined {
  if (!rules.length) return undefined;
  const ranges = rules.map(parseCidr);
  return (address) => {
    const bytes = address ? addressBytes(address) : undefined;
    return bytes !== undefined && ranges.some((range) => rangeContains(range, bytes));
  };
}

/**
 * The client address to check. The socket peer, unless it is a trusted proxy:
 * then X-Forwarded-For is walked from the right (the entry our proxy appended)
 * past further trusted proxies, and the first untrusted entry is the client,
 * as nginx's real_ip_recursive and Express's trust-proxy lists do. Entries to
 * its left come from the client and can be forged, so they are never believed.
 */
export function clientAddress(req: Pick<VerifyRequest, 'headers' | 'sourceIp'>, trusted: TrustedProxies | undefined): string | undefined {
  if (!trusted || !trusted(req.sourceIp)) return req.sourceIp;
  const forwarded = req.headers['x-forwarded-for'];
  if (!forwarded) return req.sourceIp;
  const entries = forwarded.split(',').map(stripPort);
  let client = req.sourceIp;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    // An entry that is no address at all ends the walk: nothing left of it can be believed.
    if (!addressBytes(entry)) return client;
    client = entry;
    if (!trusted(entry)) return client;
  }
  return client;
}

export function compileAllowIps(rules: readonly string[]): (req: VerifyRequest, ctx: VerifyContext) => VerifyResult | undefined {
  const ranges = rules.map(parseCidr);
  return (req, ctx) => {
    const address = clientAddress(req, ctx.trustedProxies);
    const bytes = address ? addressBytes(address) : undefined;
    if (!bytes) return fail('ip-unknown', 403);
    for (const range of ranges) if (rangeContains(range, bytes)) return undefined;
    return fail('ip-not-allowed', 403);
  };
}

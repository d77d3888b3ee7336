import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { addressBytes, parseCidr, rangeContains, type IpRange } from './ip-ranges.js';

/**
 * Addresses an outbound request to a URL someone else chose (a webhook
 * subscriber) must not reach unless the operator says so: this host, its
 * private networks and the cloud metadata service (OWASP's SSRF guidance).
 */
const NON_PUBLIC: [string, string][] = [
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared (carrier-grade NAT)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'IETF protocol'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  // Deprecated IPv4-compatible form (::a.b.c.d): nothing public is reached that way.
  ['::/96', 'IPv4-compatible'],
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['ff00::/8', 'multicast'],
];

const RANGES: { range: IpRange; kind: string }[] = NON_PUBLIC.map(([cidr, kind]) => ({ range: parseCidr(cidr), kind }));
/** Prefixes that carry an IPv4 address inside an IPv6 one: the embedded address decides. */
const NAT64 = parseCidr('64:ff9b::/96');
const SIX_TO_FOUR = parseCidr('2002::/16');

/** Why an address is not public ('loopback', 'private', …), or undefined for a public one. */
export function nonPublicKind(address: string): string | undefined {
  const bytes = addressBytes(address);
  if (!bytes) return undefined;
  const embedded = rangeContains(NAT64, bytes) ? bytes.subarray(12, 16) : rangeContains(SIX_TO_FOUR, bytes) ? bytes.subarray(2, 6) : undefined;
  if (embedded) return nonPublicKind(embedded.join('.'));
  return RANGES.find(({ range }) => rangeContains(range, bytes))?.kind;
}

/** An outbound request refused because its destination is not public. */
export class PrivateDestinationError extends Error {
  readonly code = 'ERR_PRIVATE_DESTINATION';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly kind: string,
  ) {
    super(host === address ? `${address} is a ${kind} address` : `${host} resolves to ${address}, a ${kind} address`);
    this.name = 'PrivateDestinationError';
  }
}

/** The URL's host when it is an IP literal (brackets removed); such hosts are never looked up. */
function literalAddress(url: URL): string | undefined {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return isIP(host) ? host : undefined;
}

/** How long a subscribe-time lookup may take before the name is let through to the connect-time check. */
const LOOKUP_WAIT_MS = 3_000;

/** Refuses a URL whose host is a non-public IP literal; names are checked when connecting (publicOnlyLookup). */
export function checkLiteralDestination(url: URL): PrivateDestinationError | undefined {
  const address = literalAddress(url);
  const kind = address === undefined ? undefined : nonPublicKind(address);
  return kind ? new PrivateDestinationError(address!, address!, kind) : undefined;
}

/**
 * Resolves the URL's host as a connection would and refuses it when any
 * address is not public. A name that does not resolve now passes: the
 * connection-time check still guards it.
 */
export async function checkDestination(url: URL): Promise<PrivateDestinationError | undefined> {
  const literal = checkLiteralDestination(url);
  if (literal || literalAddress(url)) return literal;
  const addresses = await new Promise<LookupAddress[]>((resolve) => {
    // A resolver that hangs must not hang the command: after a while the name passes here.
    const timer = setTimeout(() => resolve([]), LOOKUP_WAIT_MS);
    timer.unref();
    dnsLookup(url.hostname, { all: true }, (err, found) => {
      clearTimeout(timer);
      resolve(err ? [] : found);
    });
  });
  return refusal(url.hostname, addresses);
}

function refusal(host: string, addresses: LookupAddress[]): PrivateDestinationError | undefined {
  for (const { address } of addresses) {
    const kind = nonPublicKind(address);
    if (kind) return new PrivateDestinationError(host, address, kind);
  }
  return undefined;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net/tls.connect that refuses non-public answers. The check
 * happens on the addresses actually connected to, so a name that resolved
 * publicly at subscribe time cannot be switched to an internal one later.
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const refused = refusal(hostname, addresses);
    if (refused) return callback(refused as NodeJS.ErrnoException, []);
    if (options.all) return callback(null, addresses);
    const [first] = addresses;
    callback(null, first.address, first.family);
  });
}

import { isIPv4, isIPv6 } from 'node:net';

/**
 * IP addresses and CIDR ranges for IPv4 and IPv6. Addresses are compared as
 * 16-byte IPv6 values (IPv4 as ::ffff:a.b.c.d), so an IPv4 rule also matches
 * the IPv4-mapped form a dual-stack socket reports.
 */
export interface IpRange {
  bytes: Uint8Array;
  /** Prefix length over the 128-bit form. */
  bits: number;
}

const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function v4Bytes(address: string): Uint8Array {
  return Uint8Array.from([...MAPPED_PREFIX, ...address.split('.').map(Number)]);
}

function v6Bytes(address: string): Uint8Array {
  let text = address;
  const out = new Uint8Array(16);
  // A trailing dotted quad (::ffff:1.2.3.4) fills the last 4 bytes.
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    tail = text.slice(lastColon + 1).split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest ? rest.split(':') : [];
  const groups = rest === undefined ? headGroups : [...headGroups, ...Array(8 - headGroups.length - restGroups.length).fill('0'), ...restGroups];
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  if (tail.length === 4) out.set(tail, 12);
  return out;
}

/** 16-byte form of an address; undefined when it is not one. Zone ids (%eth0) are dropped. */
export function addressBytes(address: string): Uint8Array | undefined {
  const plain = address.split('%')[0];
  if (isIPv4(plain)) return v4Bytes(plain);
  if (isIPv6(plain)) return v6Bytes(plain);
  return undefined;
}

/** Parses `a.b.c.d/n`, `x::y/n` or a bare address; throws on anything else. */
export function parseCidr(rule: string): IpRange {
  const [address, prefix, extra] = rule.trim().split('/');
  const bytes = extra === undefined ? addressBytes(address) : undefined;
  if (!bytes) throw new TypeError(`"${rule}" is not an IP address or CIDR range`);
  const v4 = isIPv4(address);
  const max = v4 ? 32 : 128;
  if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) throw new TypeError(`"${rule}": bad prefix length`);
  const length = prefix === undefined ? max : Number(prefix);
  if (length > max) throw new TypeError(`"${rule}": prefix length over ${max}`);
  return { bytes, bits: v4 ? 96 + length : length };
}

export function rangeContains(range: IpRange, address: Uint8Array): boolean {
  const full = range.bits >> 3;
  for (let i = 0; i < full; i++) if (range.bytes[i] !== address[i]) return false;
  const rest = range.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (range.bytes[full] & mask) === (address[full] & mask);
}

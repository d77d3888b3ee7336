import { isIP } from 'node:net';

/** Whether a listen address is reachable from this machine only. A name other than localhost may resolve anywhere: not loopback. */
export function loopbackOnly(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (h.startsWith('::ffff:')) return loopbackOnly(h.slice(7));
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * Said once at start when the daemon listens beyond loopback: it speaks
 * plain HTTP and answers /metrics and /readyz without credentials (webhook
 * routes verify their own), so those are public unless a proxy in front
 * terminates TLS and restricts them.
 */
export const EXPOSURE_WARNING =
  'listening beyond loopback over plain HTTP: /metrics and /readyz answer anyone who can reach this address; put a TLS proxy in front that restricts them';

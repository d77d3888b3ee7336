import { randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Lease holders are named `host/pid/random/pid-namespace`. A holder on this
 * host, in this PID namespace, whose process no longer exists is provably
 * dead, so its leases (and the idempotency claims it left in flight) can be
 * taken at once instead of after expiry. Anything we cannot prove dead (another
 * host, another container, a live or reused pid) is left to the lease timeout.
 */
export function processOwner(pid = process.pid): string {
  return `${hostname()}/${pid}/${randomBytes(3).toString('hex')}/${pidNamespace()}`;
}

let namespace: string | undefined;

function pidNamespace(): string {
  if (namespace !== undefined) return namespace;
  try {
    namespace = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1] ?? 'none';
  } catch {
    namespace = 'none';
  }
  return namespace;
}

export function isOwnerDead(owner: string): boolean {
  const [host, pidText, , ns] = owner.split('/');
  const pid = Number(pidText);
  if (host !== hostname() || ns !== pidNamespace() || !Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

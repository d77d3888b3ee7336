import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A group a monitoring agent would belong to; tests create it as root (groupadd -f leaves an existing one alone). */
export const READERS = 'integrations-test-readers';

export function readersGroup(): { name: string; gid: number } {
  execFileSync('groupadd', ['-f', READERS]);
  const line = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${READERS}:`));
  if (!line) throw new Error(`groupadd did not create ${READERS}`);
  return { name: READERS, gid: Number(line.split(':')[2]) };
}

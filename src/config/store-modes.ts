import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import type { Problem } from './problems.js';

/**
 * `store: { mode, group }`: who besides the owner may read the store. It
 * holds tokens, signing secrets and raw webhook bodies, so only the owner
 * and at most one named group: never every local user.
 */

/** A mode string's problem, or undefined when it is one the store accepts ('0600', '0640', '0660'). */
export function storeModeProblem(text: string): string | undefined {
  if (!/^0?[0-7]{3}$/.test(text)) return `expected an octal mode string such as '0600' or '0640', got '${text}'`;
  const mode = parseInt(text, 8);
  if (mode & 0o007) {
    return `${text} lets every local user reach the store, which holds tokens, signing secrets and webhook bodies; allow only the owner and a group (e.g. '0640' with store.group)`;
  }
  if ((mode & 0o700) !== 0o600) return `${text}: the owner's digit must be 6 (read and write, no execute): the product writes the store`;
  if (mode & 0o010) return `${text}: no execute bit for the group: the store's files are not programs`;
  if (mode & 0o070 && !(mode & 0o040)) return `${text}: a group that may write must also read`;
  return undefined;
}

/**
 * The store's file modes from the parsed `store` section, with the group
 * resolved to its gid. Problems go to `problems` under `store.mode` /
 * `store.group`; the result is then undefined.
 */
export function resolveStoreModes(
  store: { mode?: string; group?: string },
  storePath: string,
  problems: Problem[],
): { mode: number; group?: { name: string; gid: number } } | undefined {
  if (store.mode === undefined && store.group === undefined) return undefined;
  // Naming a group means it should read: 0640 unless the mode says otherwise.
  const mode = parseInt(store.mode ?? (store.group ? '0640' : '0600'), 8);
  if (store.group === undefined) {
    if (mode & 0o070) problems.push({ path: 'store.group', message: `store.mode ${store.mode} gives a group access: name the group (store.group)` });
    return { mode };
  }
  if (!(mode & 0o070)) {
    problems.push({ path: 'store.mode', message: `${store.mode} gives group ${store.group} no access; use '0640' (read) or leave store.mode out` });
    return undefined;
  }
  const gid = groupId(store.group);
  if (gid === undefined) {
    problems.push({ path: 'store.group', message: `group ${store.group} does not exist on this host` });
    return undefined;
  }
  const refused = mayNotGiveTo(store.group, gid, storePath);
  if (refused) {
    problems.push({ path: 'store.group', message: refused });
    return undefined;
  }
  return { mode, group: { name: store.group, gid } };
}

/**
 * A group's id. Node has no getgrnam: /etc/group first, then getent for
 * groups that come from a directory service (LDAP, sssd). A number is a gid.
 */
export function groupId(name: string): number | undefined {
  if (/^\d+$/.test(name)) return Number(name);
  const fromFile = gidIn(readGroupFile(), name);
  if (fromFile !== undefined) return fromFile;
  try {
    return gidIn(execFileSync('getent', ['group', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }), name);
  } catch {
    return undefined;
  }
}

function readGroupFile(): string {
  try {
    return readFileSync('/etc/group', 'utf8');
  } catch {
    return '';
  }
}

/** `name:password:gid:members` lines. */
function gidIn(text: string, name: string): number | undefined {
  for (const line of text.split('\n')) {
    const [entry, , gid] = line.split(':');
    if (entry === name && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  return undefined;
}

/**
 * Why this user could not give the store to the group (only root, or the
 * owner when a member of it, may chown a file to a group). Only asked when
 * the store is ours to set: another user's store is read as it is.
 */
function mayNotGiveTo(name: string, gid: number, storePath: string): string | undefined {
  const uid = process.geteuid?.();
  if (uid === undefined || uid === 0) return undefined;
  const owner = ownerOf(storePath);
  if (owner !== undefined && owner !== uid) return undefined;
  if (process.getegid?.() === gid || process.getgroups?.().includes(gid)) return undefined;
  return `the store cannot be given to group ${name}: this user (uid ${uid}) is not a member of it, and only root or a member may give a file to a group`;
}

function ownerOf(path: string): number | undefined {
  if (path === ':memory:') return undefined;
  try {
    return statSync(path).uid;
  } catch (err) {
    // Missing: we would create it. Unreachable (EACCES): another user's, not ours to set.
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : -1;
  }
}

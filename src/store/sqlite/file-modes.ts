import { chmodSync, chownSync, closeSync, constants, fchmodSync, fchownSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { StoreError } from '../errors.js';
import { walFiles } from './access.js';

/**
 * Who may read the store's files besides their owner. The store holds tokens,
 * signing secrets and raw webhook bodies, so by default nobody else may
 * (0600 files in a 0700 folder); the config may let one named group read it.
 */
export interface StoreFileModes {
  /** Mode of the database and its -wal/-shm: 0600, or owner and group bits only. */
  mode: number;
  /** The group given the files (and the folder), so its members may read them. */
  group?: { name: string; gid: number };
}

export const PRIVATE_FILES: StoreFileModes = { mode: 0o600 };

/** The folder's mode for files of `mode`: the owner's rwx, and x (traversal) for a group that may read. */
export function folderMode(mode: number): number {
  const group = mode & 0o070;
  return 0o700 | (group & 0o040 ? 0o050 : 0) | (group & 0o020 ? 0o020 : 0);
}

/** Creates the store's folder (and any missing parents) with the folder mode, whatever the umask. */
export function createStoreFolder(path: string, modes: StoreFileModes): void {
  const folder = dirname(path);
  const want = folderMode(modes.mode);
  const first = mkdirSync(folder, { recursive: true, mode: want });
  if (first === undefined) return;
  // mkdir's mode passes through the umask; set exactly what we mean on each folder we made.
  for (let made = folder; ; made = dirname(made)) {
    chmodSync(made, want);
    if (modes.group) chownSync(made, statSync(made).uid, modes.group.gid);
    if (made === first || dirname(made) === made) break;
  }
}

/**
 * Creates an empty database file with the mode (SQLite takes an empty file
 * as a new database). SQLite itself would create it 0644 less the umask; the
 * -wal and -shm it makes later copy the database file's mode and, as root,
 * its owner and group, so this decides theirs too.
 */
export function createStoreFile(path: string, modes: StoreFileModes): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, modes.mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw err;
  }
  try {
    fchmodSync(fd, modes.mode);
    if (modes.group) fchownSync(fd, statSync(path).uid, modes.group.gid);
  } finally {
    closeSync(fd);
  }
}

/**
 * Sets the store's files (and its folder, when the folder is the store's own)
 * to the configured modes and group, where this user owns them. Returns what
 * was open wider than configured, as "name mode" phrases, for one warning.
 */
export function tightenStore(path: string, modes: StoreFileModes): string[] {
  const { wal, shm } = walFiles(path);
  const wider: string[] = [];
  const folder = dirname(path);
  if (isStoreFolder(folder, path)) apply(folder, folderMode(modes.mode), modes, wider);
  for (const file of [path, wal, shm]) apply(file, modes.mode, modes, wider);
  return wider;
}

/** The warning for what tightenStore changed: one line. */
export function tightenedWarning(path: string, wider: string[], modes: StoreFileModes): string {
  const want = `${octal(folderMode(modes.mode))} (folder) and ${octal(modes.mode)} (files)`;
  return `store ${path} was readable by more users than configured (${wider.join(', ')}); set to ${want}`;
}

function apply(path: string, want: number, modes: StoreFileModes, wider: string[]): void {
  let info;
  try {
    info = statSync(path);
  } catch {
    return;
  }
  // Another user's files are theirs to set; we read them as they are.
  if (info.uid !== process.geteuid?.()) return;
  const mode = info.mode & 0o777;
  if (mode !== want) {
    try {
      chmodSync(path, want);
    } catch (err) {
      // A read-only file system cannot be changed, nor written by anyone: reading it goes on.
      if ((err as NodeJS.ErrnoException).code === 'EROFS') return;
      throw err;
    }
    if (mode & ~want) wider.push(`${basename(path)} ${octal(mode)}`);
  }
  const group = modes.group;
  if (group && info.gid !== group.gid) {
    try {
      chownSync(path, info.uid, group.gid);
    } catch (err) {
      throw new StoreError(
        'STORE_PERMISSION_DENIED',
        `store ${path} cannot be given to group ${group.name} (gid ${group.gid}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; only root or a member of the group may`,
        { cause: err },
      );
    }
  }
}

/**
 * Whether the folder is the store's own, so its mode is ours to set: the
 * default `.integrations` folder, or one holding nothing but the store's
 * files. A store placed in a shared folder (a project folder, /tmp) leaves
 * that folder alone; its files are still private.
 */
function isStoreFolder(folder: string, path: string): boolean {
  if (basename(folder) === '.integrations') return true;
  try {
    // The sticky bit marks a folder shared by many users (/tmp).
    if (statSync(folder).mode & 0o1000) return false;
    const own = basename(path);
    const storeFiles = new Set([own, `${own}-wal`, `${own}-shm`, `${own}-journal`]);
    return readdirSync(folder).every((name) => storeFiles.has(name));
  } catch {
    return false;
  }
}

export function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

import { accessSync, constants, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import { StoreError } from '../errors.js';

/** The files SQLite keeps beside a WAL store while it is open. */
export function walFiles(path: string): { wal: string; shm: string } {
  return { wal: `${path}-wal`, shm: `${path}-shm` };
}

/**
 * What this user lacks to read or write the store at `path`: the first file
 * or folder SQLite needs that it may not use, as one phrase naming it, its
 * owner and its mode. Undefined when the permissions allow it (the failure
 * was something else, e.g. a read-only file system or root).
 */
export function permissionProblem(path: string, want: 'read' | 'write'): string | undefined {
  const folder = dirname(path);
  const { wal, shm } = walFiles(path);
  const fileMode = want === 'write' ? constants.R_OK | constants.W_OK : constants.R_OK;
  if (!existsSync(path)) {
    // Creating the file (and any missing folders) needs the nearest existing folder to be writable.
    let existing = folder;
    while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
    return denied(existing, constants.W_OK | constants.X_OK, 'folder');
  }
  return (
    denied(folder, constants.X_OK, 'folder') ??
    denied(path, fileMode, 'file') ??
    // WAL keeps two files beside the store; a writer creates them, so it needs the folder as well.
    (want === 'write' ? denied(folder, constants.W_OK, 'folder') : undefined) ??
    (existsSync(wal) ? denied(wal, fileMode, 'file') : undefined) ??
    (existsSync(shm) ? denied(shm, fileMode, 'file') : undefined)
  );
}

function denied(path: string, mode: number, kind: 'file' | 'folder'): string | undefined {
  try {
    accessSync(path, mode);
    return undefined;
  } catch {
    const what = mode & constants.W_OK ? 'write' : mode & constants.R_OK ? 'read' : 'search (x)';
    return `no ${what} permission on ${kind} ${path}${ownership(path)}`;
  }
}

/** A path we cannot stat for lack of permission exists as far as the messages go: the check above it names the folder. */
export function existsSync(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR';
  }
}

function ownership(path: string): string {
  try {
    const s = statSync(path);
    return ` (owner uid ${s.uid}, mode ${(s.mode & 0o7777).toString(8).padStart(4, '0')})`;
  } catch {
    return '';
  }
}

/** Who we run as, for messages: a monitoring agent often runs as another user than the one that owns the store. */
export function currentUser(): string {
  try {
    return `user ${userInfo().username}`;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

/** A StoreError naming the file and the permission this user lacks, when that is why opening failed. */
export function permissionError(path: string, want: 'read' | 'write', cause: unknown): StoreError | undefined {
  const problem = permissionProblem(path, want);
  if (!problem) return undefined;
  const verb = want === 'read' ? 'read' : existsSync(path) ? 'written' : 'created';
  return new StoreError('STORE_PERMISSION_DENIED', `store ${path} cannot be ${verb} by ${currentUser()}: ${problem}`, { cause });
}

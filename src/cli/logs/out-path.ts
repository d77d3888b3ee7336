import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../../core/usage-error.js';

/**
 * Refuses an --out path that cannot be written before any row is read: a
 * missing folder, a folder this user may not write, or a folder given as
 * the file. The path is the user's input, so this is a usage error (exit
 * 2), whatever the file system's reason.
 */
export function checkOutPath(target: string, typed: string): void {
  const folder = dirname(target);
  let folderStat;
  try {
    folderStat = statSync(folder);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`--out ${typed}: folder ${folder} does not exist`);
    throw new UsageError(`--out ${typed}: cannot reach folder ${folder} (${code ?? (err as Error).message})`);
  }
  if (!folderStat.isDirectory()) throw new UsageError(`--out ${typed}: ${folder} is not a folder`);
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch {
    throw new UsageError(`--out ${typed}: no write permission on folder ${folder} (owner uid ${folderStat.uid}, mode ${(folderStat.mode & 0o7777).toString(8).padStart(4, '0')})`);
  }
  try {
    if (statSync(target).isDirectory()) throw new UsageError(`--out ${typed}: ${target} is a folder; give a file name`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
  }
}

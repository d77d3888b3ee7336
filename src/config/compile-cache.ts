import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * Where jiti keeps the compiled TypeScript config: a folder only this user
 * can reach, in the user's cache folder. jiti's default (`$TMPDIR/jiti`) is
 * shared: whoever creates it first decides what code the next `list` runs,
 * and every user can read the compiled config's inline text.
 *
 * `false` (no file cache: the config is compiled on every start) when the
 * folder cannot be made or is not safely ours; `note` says why.
 */
export function privateCompileCache(env: NodeJS.ProcessEnv, note: (line: string) => void = () => {}): string | false {
  const base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(env.HOME || homedir(), '.cache');
  const dir = join(base, 'integrations', 'jiti');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    const uid = process.getuid?.();
    if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) {
      note(`the config compile cache ${dir} is not a folder of this user; compiling the config without a file cache`);
      return false;
    }
    // Ours but reachable by others (made by an older version or by hand): the compiled config holds its inline text.
    if (stat.mode & 0o077) chmodSync(dir, 0o700);
    return dir;
  } catch (err) {
    note(`cannot use the config compile cache ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); compiling the config without a file cache`);
    return false;
  }
}

import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { IntegrationError } from '../core/errors.js';

/** Looked for in this order in each folder searched (or in a folder given to --config). */
export const CONFIG_FILE_NAMES = [
  'integrations.config.ts',
  'integrations.config.mjs',
  'integrations.config.js',
  'integrations.config.json',
] as const;

export interface DiscoverOptions {
  /** From --config; relative to cwd. A folder means "the config file in that folder". */
  configPath?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

const INIT_HINT = 'run `integrations init` to create one';

/**
 * The absolute path of the config file to load: --config, then
 * INTEGRATIONS_CONFIG, then the working directory and its parents (like git
 * and gh, so a command works from a subfolder of the project).
 */
export function findConfigFile(options: DiscoverOptions): string {
  if (options.configPath) return explicit(options.configPath, '--config', options.cwd);
  const fromEnv = options.env.INTEGRATIONS_CONFIG;
  if (fromEnv) return explicit(fromEnv, 'INTEGRATIONS_CONFIG', options.cwd);
  const folders = searchedFolders(resolve(options.cwd));
  for (const dir of folders) {
    const found = firstIn(dir);
    if (found) return found;
  }
  const looked = CONFIG_FILE_NAMES.map((n) => join(options.cwd, n));
  const above = folders.length > 1 ? ` in ${options.cwd} and its parents up to ${folders[folders.length - 1]}` : '';
  throw new IntegrationError(
    'CONFIG_INVALID',
    `no integrations config found (looked for ${looked.join(', ')}${above}); ${INIT_HINT}, or point --config / INTEGRATIONS_CONFIG at an existing file`,
    { details: { looked, folders } },
  );
}

/**
 * The working directory, then each parent up to the repository root (the
 * first folder holding .git) or the filesystem root. A parent that others
 * may write to (/tmp, a shared drop folder) ends the search before it: a
 * config is code that runs, and nothing runs from a shared writable place.
 */
export function searchedFolders(cwd: string): string[] {
  const folders = [cwd];
  for (let dir = cwd; !existsSync(join(dir, '.git')); ) {
    const parent = dirname(dir);
    if (parent === dir || writableByOthers(parent)) break;
    folders.push(parent);
    dir = parent;
  }
  return folders;
}

function writableByOthers(dir: string): boolean {
  try {
    return (statSync(dir).mode & 0o002) !== 0;
  } catch {
    return true;
  }
}

function firstIn(dir: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = join(dir, name);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

function explicit(given: string, source: string, cwd: string): string {
  const path = resolve(cwd, given);
  if (!existsSync(path)) {
    throw new IntegrationError('CONFIG_INVALID', `no config file at ${path} (from ${source}); ${INIT_HINT}`, {
      details: { looked: [path] },
    });
  }
  if (!statSync(path).isDirectory()) return path;
  const found = firstIn(path);
  if (found) return found;
  const looked = CONFIG_FILE_NAMES.map((n) => join(path, n));
  throw new IntegrationError(
    'CONFIG_INVALID',
    `no integrations config found in ${path} (from ${source}; looked for ${CONFIG_FILE_NAMES.join(', ')}); ${INIT_HINT}`,
    { details: { looked } },
  );
}

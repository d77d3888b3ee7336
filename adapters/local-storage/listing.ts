import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RESERVED_PREFIX, within } from './keys.js';

export interface Item {
  key: string;
  size: number;
  modifiedAt: string;
}

/**
 * Every file under the root whose key starts with `prefix`, sorted by key.
 * Symlinked files count when they resolve inside the root; symlinked folders
 * are not followed (they could loop, or reach outside).
 */
export async function listKeys(realRoot: string, prefix: string): Promise<Item[]> {
  // Only the folder the prefix's complete segments name can hold matches.
  const fixed = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
  const start = join(realRoot, ...fixed.split('/').filter(Boolean));
  // The prefix may name a symlinked folder: list it only when it really is inside the root.
  const realStart = await realpath(start).catch(() => undefined);
  if (!realStart || !within(realRoot, realStart)) return [];
  const items: Item[] = [];
  await walk(realRoot, start, fixed, prefix, items);
  return items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

async function walk(realRoot: string, dir: string, keyOfDir: string, prefix: string, out: Item[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw err;
  }
  for (const entry of entries) {
    if (entry.name.startsWith(RESERVED_PREFIX)) continue;
    const key = keyOfDir ? `${keyOfDir}/${entry.name}` : entry.name;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (prefix.startsWith(`${key}/`) || key.startsWith(prefix)) await walk(realRoot, full, key, prefix, out);
      continue;
    }
    if (!key.startsWith(prefix)) continue;
    if (entry.isSymbolicLink()) {
      const real = await realpath(full).catch(() => undefined);
      if (!real || !within(realRoot, real)) continue;
    } else if (!entry.isFile()) {
      continue;
    }
    const info = await stat(full).catch(() => undefined);
    if (!info?.isFile()) continue;
    out.push({ key, size: info.size, modifiedAt: info.mtime.toISOString() });
  }
}

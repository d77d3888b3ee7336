import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The folder holding this package's package.json, whether running from src/ (tests) or dist/. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith('dist')) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the integrations package root');
    dir = parent;
  }
  cached = dir;
  return dir;
}

/** True when this code runs from TypeScript sources (vitest), false from the build. */
export function runningFromSource(): boolean {
  return import.meta.url.endsWith('.ts');
}

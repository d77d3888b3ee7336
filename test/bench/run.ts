/**
 * Runs the benchmarks in this folder: all of them, or those named on the
 * command line (`npm run bench -- executor`). Each *.bench.ts default-exports
 * an async function that measures and prints its own figures.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length) {
  process.stderr.write(`unknown benchmark ${unknown.join(', ')}; available: ${available.join(', ')}\n`);
  process.exit(2);
}

for (const name of wanted.length ? wanted : available) {
  process.stdout.write(`\n## ${name}\n`);
  const mod = (await import(pathToFileURL(join(here, `${name}.bench.ts`)).href)) as { default?: () => Promise<void> };
  if (typeof mod.default !== 'function') throw new Error(`${name}.bench.ts must default-export an async function`);
  await mod.default();
}

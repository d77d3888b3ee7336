import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, tempProject } from './cli-harness.js';

/**
 * Start-up cost is what every cron job and monitoring probe pays: `--help`
 * (and so the parse of any command) must load only commander and chalk;
 * zod, undici, SQLite, prompts and tables load inside the commands that use
 * them. Checked by recording every module the built CLI resolves.
 */
describe('CLI start-up', () => {
  beforeAll(() => assertBuilt());

  it('--help loads no heavy dependency', () => {
    const dir = tempProject('integrations-startup-');
    const hooks = join(dir, 'hooks.mjs');
    const register = join(dir, 'register.mjs');
    writeFileSync(
      hooks,
      `export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  process.stderr.write('RESOLVED ' + result.url + '\\n');
  return result;
}\n`,
    );
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    const res = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, BIN, '--help'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(res.status).toBe(0);
    const packages = new Set(
      res.stderr
        .split('\n')
        .filter((l) => l.startsWith('RESOLVED ') && l.includes('/node_modules/'))
        .map((l) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(l)?.[1] ?? l),
    );
    expect([...packages].sort()).toEqual(['chalk', 'commander']);
  });
});

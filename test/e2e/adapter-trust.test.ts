import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, parseJson, tempProject, writeJsonConfig } from './cli-harness.js';

/**
 * Issue 11 §6: a JSON config is data; it may name adapter packages, never a
 * file to import. Adapters from outside the product are named, not loaded
 * silently.
 */

const ZOD = pathToFileURL(createRequire(import.meta.url).resolve('zod')).href;

function adapterSource(name: string, probe?: string): string {
  return `import { writeFileSync } from 'node:fs';
import { z } from ${JSON.stringify(ZOD)};
${probe ? `writeFileSync(${JSON.stringify(probe)}, 'imported');` : ''}
export default { name: ${JSON.stringify(name)}, kind: 'generic', description: 'an adapter from elsewhere', config: z.object({}), operations: {} };
`;
}

describe('adapters a config names', () => {
  beforeAll(() => assertBuilt());

  it('refuses a path or URL in a JSON config\'s adapters before importing anything', async () => {
    const dir = tempProject('integrations-trust-');
    const probe = join(dir, 'imported');
    writeFileSync(join(dir, 'x.mjs'), adapterSource('x', probe));
    for (const entry of ['./x.mjs', join(dir, 'x.mjs'), pathToFileURL(join(dir, 'x.mjs')).href, '../x.mjs']) {
      writeJsonConfig(dir, { adapters: [entry], integrations: {} });
      const res = await cli(['list'], { cwd: dir });
      expect(res.code, entry).toBe(3);
      expect(res.stderr, entry).toContain('adapters[0]: must be an installed adapter package by name (e.g. "@acme/integrations-sms"), not a path or URL');
      expect(res.stderr, entry).not.toMatch(/\n\s+at /);
      expect(existsSync(probe), entry).toBe(false);
    }
  });

  it('names a third-party adapter once on stderr with --verbose and marks it in adapters list', async () => {
    const dir = tempProject('integrations-trust-');
    const pkg = join(dir, 'node_modules', '@acme', 'integrations-x');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@acme/integrations-x', type: 'module', main: 'index.js' }));
    writeFileSync(join(pkg, 'index.js'), adapterSource('acme-x'));
    writeJsonConfig(dir, { adapters: ['@acme/integrations-x'], integrations: { x: { adapter: 'acme-x' } } });

    const verbose = await cli(['list', '--verbose'], { cwd: dir });
    expect(verbose.code).toBe(0);
    const notes = verbose.stderr.split('\n').filter((l) => l.includes('acme-x'));
    expect(notes).toEqual([`note: adapter "acme-x" is third-party code from package @acme/integrations-x (${join(pkg, 'index.js')}), trusted like the config`]);
    const quiet = await cli(['list'], { cwd: dir });
    expect(quiet.stderr).not.toContain('third-party');

    const json = parseJson<{ name: string; source: string; package?: string }[]>((await cli(['adapters', 'list', '--json'], { cwd: dir })).stdout);
    expect(json.find((a) => a.name === 'acme-x')).toMatchObject({ source: 'third-party', package: '@acme/integrations-x' });
    expect(json.find((a) => a.name === 'mock')).toMatchObject({ source: 'bundled' });
    expect(json.find((a) => a.name === 'mock')).not.toHaveProperty('package');

    const table = (await cli(['adapters', 'list'], { cwd: dir, env: { COLUMNS: '200' } })).stdout;
    expect(table).toMatch(/SOURCE/);
    expect(table.split('\n').find((l) => l.includes('acme-x'))).toContain('third-party: @acme/integrations-x');
    expect(table.split('\n').find((l) => /\bmock\b/.test(l))).toContain('bundled');
  });
});

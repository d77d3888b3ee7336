import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createJiti } from 'jiti';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, parseJson, tempProject } from './cli-harness.js';

/**
 * Issue 11 §3: jiti's default compile cache is the shared `$TMPDIR/jiti`, so
 * whoever plants a file under the name jiti will look for decides what
 * `integrations list` runs. The CLI keeps its cache private instead.
 */

const BENIGN = `const name: string = 'demo';\nexport default { integrations: { [name]: { adapter: 'mock' } } };\n`;
/** Harmless when the test itself compiles it; in the CLI it leaves a file behind to prove it ran. */
const MALICIOUS = `import { writeFileSync } from 'node:fs';\nif (process.env.PLANT_PROBE) writeFileSync(process.env.PLANT_PROBE, 'ran');\nexport default { integrations: { planted: { adapter: 'mock' } } };\n`;

/** Compiles `source` at `file`, as the CLI's jiti would, into a scratch cache; returns the cache entry's name and text. */
async function compiled(file: string, source: string, scratch: string): Promise<{ name: string; text: string }> {
  writeFileSync(file, source);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  await createJiti(import.meta.url, { fsCache: scratch, moduleCache: false, interopDefault: false }).import(file);
  const [name] = readdirSync(scratch);
  return { name, text: readFileSync(join(scratch, name), 'utf8') };
}

/** What an attacker plants: the malicious code, ending with the marker jiti checks against the benign config's source. */
async function plantFor(dir: string): Promise<{ name: string; text: string }> {
  const file = join(dir, 'integrations.config.ts');
  const evil = await compiled(file, MALICIOUS, join(dir, 'scratch'));
  const good = await compiled(file, BENIGN, join(dir, 'scratch'));
  const marker = good.text.slice(good.text.lastIndexOf(' /* v'));
  const text = evil.text.slice(0, evil.text.lastIndexOf(' /* v')) + marker;
  // The plant is a valid cache hit: jiti with that folder as its cache runs it.
  const probeDir = join(dir, 'plant-check');
  mkdirSync(probeDir, { recursive: true });
  writeFileSync(join(probeDir, good.name), text);
  process.env.PLANT_PROBE = join(dir, 'plant-check.ran');
  try {
    const mod = (await createJiti(import.meta.url, { fsCache: probeDir, moduleCache: false, interopDefault: false }).import(file)) as { default: { integrations: object } };
    expect(Object.keys(mod.default.integrations)).toEqual(['planted']);
  } finally {
    delete process.env.PLANT_PROBE;
  }
  expect(existsSync(join(dir, 'plant-check.ran'))).toBe(true);
  return { name: good.name, text };
}

describe('the compiled-config cache', () => {
  beforeAll(() => assertBuilt());

  it('ignores a file planted in the shared /tmp/jiti, loads the real config, and caches it in a 0700 folder of the user', async () => {
    const dir = tempProject('integrations-jiti-');
    const plant = await plantFor(dir);
    mkdirSync('/tmp/jiti', { recursive: true });
    const planted = join('/tmp/jiti', plant.name);
    writeFileSync(planted, plant.text);
    const probe = join(dir, 'ran');
    try {
      const res = await cli(['list', '--json'], { cwd: dir, env: { PLANT_PROBE: probe } });
      expect(res.code).toBe(0);
      expect(parseJson<{ name: string }[]>(res.stdout).map((r) => r.name)).toEqual(['demo']);
      expect(existsSync(probe)).toBe(false);
    } finally {
      rmSync(planted, { force: true });
    }
    // HOME is the project folder in the harness: the cache is ~/.cache/integrations/jiti, 0700, and holds the compiled config.
    const cache = join(dir, '.cache', 'integrations', 'jiti');
    expect(statSync(cache).mode & 0o777).toBe(0o700);
    expect(readdirSync(cache)).toEqual([plant.name]);
    // A second start uses it and still loads the same config.
    const again = await cli(['list', '--json'], { cwd: dir, env: { PLANT_PROBE: probe } });
    expect(parseJson<{ name: string }[]>(again.stdout).map((r) => r.name)).toEqual(['demo']);
  });

  it('tightens a cache folder of its own that others could read, and follows XDG_CACHE_HOME', async () => {
    const dir = tempProject('integrations-jiti-');
    writeFileSync(join(dir, 'integrations.config.ts'), BENIGN);
    const cache = join(dir, 'xdg', 'integrations', 'jiti');
    mkdirSync(cache, { recursive: true, mode: 0o755 });
    const res = await cli(['list', '--json'], { cwd: dir, env: { XDG_CACHE_HOME: join(dir, 'xdg') } });
    expect(res.code).toBe(0);
    expect(statSync(cache).mode & 0o777).toBe(0o700);
    expect(readdirSync(cache)).toHaveLength(1);
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a cache folder another user owns, with one --verbose note, and runs nothing planted in it', async () => {
    const dir = tempProject('integrations-jiti-');
    const plant = await plantFor(dir);
    const cache = join(dir, 'xdg', 'integrations', 'jiti');
    mkdirSync(cache, { recursive: true, mode: 0o777 });
    writeFileSync(join(cache, plant.name), plant.text);
    chownSync(cache, 65534, 65534);
    const probe = join(dir, 'ran');
    const res = await cli(['list', '--json', '--verbose'], { cwd: dir, env: { XDG_CACHE_HOME: join(dir, 'xdg'), PLANT_PROBE: probe } });
    expect(res.code).toBe(0);
    expect(parseJson<{ name: string }[]>(res.stdout).map((r) => r.name)).toEqual(['demo']);
    expect(existsSync(probe)).toBe(false);
    const notes = res.stderr.split('\n').filter((l) => l.includes('compile cache'));
    expect(notes).toEqual([`note: the config compile cache ${cache} is not a folder of this user; compiling the config without a file cache`]);
    const quiet = await cli(['list', '--json'], { cwd: dir, env: { XDG_CACHE_HOME: join(dir, 'xdg'), PLANT_PROBE: probe } });
    expect(quiet.stderr).not.toContain('compile cache');
  });
});

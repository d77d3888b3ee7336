import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findConfigFile, searchedFolders } from '../../src/config/discover.js';
import { loadConfig } from '../../src/config/load.js';
import { IntegrationError } from '../../src/core/errors.js';
import { fixtureRegistry, tempDir, thrown, type TempDir } from './config-fixtures.js';

const minimal = JSON.stringify({ integrations: {} });

describe('config discovery', () => {
  let t: TempDir;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it('prefers --config over INTEGRATIONS_CONFIG over the working directory', () => {
    const flag = t.write('flag/custom.json', minimal);
    const fromEnv = t.write('envdir/other.json', minimal);
    const local = t.write('integrations.config.json', minimal);
    const env = { INTEGRATIONS_CONFIG: 'envdir/other.json' };
    expect(findConfigFile({ configPath: 'flag/custom.json', cwd: t.dir, env })).toBe(flag);
    expect(findConfigFile({ cwd: t.dir, env })).toBe(fromEnv);
    expect(findConfigFile({ cwd: t.dir, env: {} })).toBe(local);
  });

  it('takes .ts before .mjs before .js before .json in the working directory', () => {
    t.write('integrations.config.json', minimal);
    t.write('integrations.config.js', 'export default {}');
    expect(findConfigFile({ cwd: t.dir, env: {} })).toBe(join(t.dir, 'integrations.config.js'));
    t.write('integrations.config.mjs', 'export default {}');
    expect(findConfigFile({ cwd: t.dir, env: {} })).toBe(join(t.dir, 'integrations.config.mjs'));
    t.write('integrations.config.ts', 'export default {}');
    expect(findConfigFile({ cwd: t.dir, env: {} })).toBe(join(t.dir, 'integrations.config.ts'));
  });

  it('accepts a folder for --config and looks inside it', () => {
    const file = t.write('deploy/integrations.config.json', minimal);
    expect(findConfigFile({ configPath: 'deploy', cwd: t.dir, env: {} })).toBe(file);
  });

  it('without any config, says where it looked and suggests init', async () => {
    const err = await thrown(() => loadConfig({ cwd: t.dir, env: {}, registry: fixtureRegistry() }));
    expect(err).toBeInstanceOf(IntegrationError);
    expect(err.category).toBe('CONFIG_INVALID');
    expect(err.message).toContain('no integrations config found');
    expect(err.message).toContain(join(t.dir, 'integrations.config.ts'));
    expect(err.message).toContain(join(t.dir, 'integrations.config.json'));
    expect(err.message).toContain('integrations init');
  });

  it('names a missing --config or INTEGRATIONS_CONFIG file and where it came from', async () => {
    const flag = await thrown(() => loadConfig({ configPath: 'nope.ts', cwd: t.dir, env: {}, registry: fixtureRegistry() }));
    expect(flag.category).toBe('CONFIG_INVALID');
    expect(flag.message).toContain(join(t.dir, 'nope.ts'));
    expect(flag.message).toContain('--config');
    expect(flag.message).toContain('integrations init');
    const env = await thrown(() =>
      loadConfig({ cwd: t.dir, env: { INTEGRATIONS_CONFIG: '/no/such/file.json' }, registry: fixtureRegistry() }),
    );
    expect(env.message).toContain('/no/such/file.json');
    expect(env.message).toContain('INTEGRATIONS_CONFIG');
  });

  it('looks in the parents of the working directory, the nearest config first, as git does', () => {
    const top = t.write('integrations.config.json', minimal);
    mkdirSync(join(t.dir, 'src', 'deep'), { recursive: true });
    expect(findConfigFile({ cwd: join(t.dir, 'src', 'deep'), env: {} })).toBe(top);
    const nearer = t.write('src/integrations.config.ts', 'export default {}');
    expect(findConfigFile({ cwd: join(t.dir, 'src', 'deep'), env: {} })).toBe(nearer);
    // The order holds: --config and INTEGRATIONS_CONFIG before any folder.
    const fromEnv = t.write('envdir/other.json', minimal);
    expect(findConfigFile({ cwd: join(t.dir, 'src', 'deep'), env: { INTEGRATIONS_CONFIG: fromEnv } })).toBe(fromEnv);
  });

  it('stops at the repository root (a folder holding .git)', async () => {
    t.write('integrations.config.json', minimal);
    mkdirSync(join(t.dir, 'repo', '.git'), { recursive: true });
    mkdirSync(join(t.dir, 'repo', 'sub'));
    expect(searchedFolders(join(t.dir, 'repo', 'sub'))).toEqual([join(t.dir, 'repo', 'sub'), join(t.dir, 'repo')]);
    const err = await thrown(() => loadConfig({ cwd: join(t.dir, 'repo', 'sub'), env: {}, registry: fixtureRegistry() }));
    expect(err.category).toBe('CONFIG_INVALID');
    expect(err.message).toContain(`and its parents up to ${join(t.dir, 'repo')}`);
  });

  it('never climbs into a folder others may write to (a config there would be code anyone could plant)', () => {
    t.write('integrations.config.json', minimal);
    mkdirSync(join(t.dir, 'shared', 'mine'), { recursive: true });
    chmodSync(join(t.dir, 'shared'), 0o777);
    expect(searchedFolders(join(t.dir, 'shared', 'mine'))).toEqual([join(t.dir, 'shared', 'mine')]);
    expect(() => findConfigFile({ cwd: join(t.dir, 'shared', 'mine'), env: {} })).toThrow(/no integrations config found/);
    chmodSync(join(t.dir, 'shared'), 0o755);
    expect(findConfigFile({ cwd: join(t.dir, 'shared', 'mine'), env: {} })).toBe(join(t.dir, 'integrations.config.json'));
  });

  it('reports an empty folder given to --config', async () => {
    mkdirSync(join(t.dir, 'empty'));
    const err = await thrown(() => loadConfig({ configPath: 'empty', cwd: t.dir, env: {}, registry: fixtureRegistry() }));
    expect(err.message).toMatch(/no integrations config found in .*empty/);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { secretValues } from '../../src/config/secrets.js';
import { fixtureRegistry, payAdapter, storeAdapter, tempDir, type TempDir } from './config-fixtures.js';

describe('secretValues', () => {
  let t: TempDir;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it('returns the resolved secret fields, nested ones, webhook secrets and credential-like scheme options', async () => {
    t.write(
      'integrations.config.json',
      JSON.stringify({
        integrations: {
          pay: {
            adapter: 'fixture-pay',
            config: {
              shortcode: '174379',
              consumerKey: 'env:PAY_KEY',
              consumerSecret: 'literal-consumer-secret',
              tls: { passphrase: 'tls-pass' },
            },
            webhook: { secrets: ['whsec-aaa', 'whsec-bbb'], password: 'basic-pass', header: 'x-signature' },
          },
        },
      }),
    );
    const loaded = await loadConfig({ cwd: t.dir, env: { PAY_KEY: 'key-from-env' }, registry: fixtureRegistry() });
    const values = secretValues(loaded.integrations.pay, payAdapter.config);
    expect(values.sort()).toEqual(['basic-pass', 'key-from-env', 'literal-consumer-secret', 'tls-pass', 'whsec-aaa', 'whsec-bbb']);
    expect(values).not.toContain('174379');
    expect(values).not.toContain('x-signature');
  });

  it('is empty for an integration without secrets', async () => {
    t.write('integrations.config.json', JSON.stringify({ integrations: { files: { adapter: 'fixture-store' } } }));
    const loaded = await loadConfig({ cwd: t.dir, env: {}, registry: fixtureRegistry() });
    expect(secretValues(loaded.integrations.files, storeAdapter.config)).toEqual([]);
  });
});

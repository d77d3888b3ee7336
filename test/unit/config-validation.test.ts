import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/config/load.js';
import { defineAdapter } from '../../src/core/adapter.js';
import { secret } from '../../src/core/fields.js';
import { fixtureRegistry, tempDir, thrown, type TempDir } from './config-fixtures.js';

const payConfig = { shortcode: '174379', consumerKey: 'ck-literal', consumerSecret: 'cs-literal' };

describe('config validation', () => {
  let t: TempDir;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  const withConfig = (config: unknown, extra: Partial<Parameters<typeof loadConfig>[0]> = {}) => {
    t.write('integrations.config.json', JSON.stringify(config));
    return loadConfig({ cwd: t.dir, env: {}, registry: fixtureRegistry(), ...extra });
  };

  it('reports every problem at once, each with its field path', async () => {
    const file = join(t.dir, 'integrations.config.json');
    const err = await thrown(() =>
      withConfig({
        daemon: { port: 70000 },
        idempotency: { ttl: 'forever' },
        integration: {},
        integrations: {
          pay: { adapter: 'fixture-pay', config: { shortcode: 174379, environment: 'staging' }, retries: 3 },
          Bad_Name: { adapter: 'fixture-store' },
          ghost: { adapter: 'nonesuch' },
          limited: { adapter: 'fixture-store', rateLimit: { burst: 2 }, retry: { baseDelayMs: '2s', maxDelayMs: '1s' } },
          hooks: { adapter: 'fixture-store', webhook: { scheme: 'hmac-sha256', allowIps: ['10.0.0.0/8', 'not-an-ip'] } },
        },
      }),
    );
    expect(err.category).toBe('CONFIG_INVALID');
    expect(err.message.startsWith(`invalid config in ${file}:\n  - `)).toBe(true);
    expect(err.issues).toEqual([
      'idempotency.ttl: expected a duration such as 500ms, 90s, 5m, 24h, 7d or 1h30m, or milliseconds',
      'daemon.port: Too big: expected number to be <=65535',
      'integration: unknown field',
      'integrations.pay.config.shortcode: Invalid input: expected string, received number',
      'integrations.pay.config.consumerKey: Required',
      'integrations.pay.config.consumerSecret: Required',
      'integrations.pay.config.environment: Invalid option: expected one of "sandbox"|"production"',
      'integrations.pay.retries: unknown field',
      'integrations.Bad_Name: integration names use lower-case letters, digits and dashes',
      'integrations.ghost.adapter: unknown adapter "nonesuch" (available: fixture-pay, fixture-store)',
      'integrations.limited.retry.maxDelayMs: must be at least baseDelayMs',
      'integrations.limited.rateLimit: give exactly one of perSecond or perMinute',
      'integrations.hooks.webhook.allowIps[1]: expected an IP address or CIDR range',
    ]);
    expect(err.message.split('\n')).toHaveLength(err.issues!.length + 1);
  });

  it('never puts a secret value in a message, even when an adapter echoes its input', async () => {
    const registry = fixtureRegistry();
    registry.register(
      defineAdapter({
        name: 'echoing',
        kind: 'generic',
        description: 'an adapter whose validation message repeats the value',
        config: z.object({
          apiKey: secret(z.string().refine((v) => v.startsWith('sk_'), { error: (iss) => `key ${String(iss.input)} must start with sk_` })),
        }),
        operations: {},
      }),
    );
    const err = await thrown(() =>
      withConfig(
        {
          integrations: {
            echo: { adapter: 'echoing', config: { apiKey: 'pk_live_TOPSECRET_1' } },
            fromEnv: { adapter: 'echoing', config: { apiKey: 'env:ECHO_KEY' } },
          },
        },
        { registry, env: { ECHO_KEY: 'pk_live_TOPSECRET_2', INTEGRATIONS__ECHO__TIMEOUTMS: 'xyz' } },
      ),
    );
    expect(err.issues).toContain('integrations.echo.config.apiKey: key *** must start with sk_');
    expect(err.message).not.toContain('TOPSECRET');
    expect(JSON.stringify(err.issues)).not.toContain('TOPSECRET');
  });

  it('resolves relative paths against the config folder: store path and pathField() fields', async () => {
    t.write('conf/integrations.config.json', JSON.stringify({
      store: { path: 'state/db.sqlite' },
      integrations: {
        pay: { adapter: 'fixture-pay', config: { ...payConfig, certFile: './certs/client.pem', tls: { caFile: '/etc/ssl/ca.pem' } } },
        files: { adapter: 'fixture-store' },
        home: { adapter: 'fixture-store', config: { root: '~/uploads' } },
      },
    }));
    const loaded = await loadConfig({ configPath: 'conf', cwd: t.dir, env: {}, registry: fixtureRegistry() });
    const conf = join(t.dir, 'conf');
    expect(loaded.store.path).toBe(join(conf, 'state/db.sqlite'));
    expect(loaded.integrations.pay.config.certFile).toBe(join(conf, 'certs/client.pem'));
    expect(loaded.integrations.pay.config.tls).toEqual({ caFile: '/etc/ssl/ca.pem' });
    expect(loaded.integrations.files.config.root).toBe(join(conf, 'files'));
    expect(loaded.integrations.home.config.root).toBe(join(homedir(), 'uploads'));
  });

  it('takes --db, then INTEGRATIONS_DB, relative to the working directory, over the config', async () => {
    t.write('conf/integrations.config.json', JSON.stringify({ store: { path: 'in-config.db' }, integrations: {} }));
    const base = { configPath: 'conf', cwd: t.dir, registry: fixtureRegistry() };
    const env = { INTEGRATIONS_DB: 'from-env.db' };
    expect((await loadConfig({ ...base, env, dbPath: 'flag.db' })).store.path).toBe(join(t.dir, 'flag.db'));
    expect((await loadConfig({ ...base, env })).store.path).toBe(join(t.dir, 'from-env.db'));
    expect((await loadConfig({ ...base, env: {} })).store.path).toBe(join(t.dir, 'conf', 'in-config.db'));
  });

  it('loads third-party adapter packages the config lists, resolved from its folder', async () => {
    const zodUrl = pathToFileURL(createRequire(import.meta.url).resolve('zod')).href;
    const pkg = join(t.dir, 'node_modules', 'acme-adapter');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'acme-adapter', type: 'module', main: 'index.js' }));
    writeFileSync(
      join(pkg, 'index.js'),
      `import { z } from ${JSON.stringify(zodUrl)};
export default { name: 'acme', kind: 'generic', description: 'third-party', config: z.object({ region: z.string() }), operations: {} };`,
    );
    const loaded = await withConfig({ adapters: ['acme-adapter'], integrations: { a: { adapter: 'acme', config: { region: 'eu' } } } });
    expect(loaded.adapterPackages).toEqual(['acme-adapter']);
    expect(loaded.integrations.a.config).toEqual({ region: 'eu' });

    const missing = await thrown(() => withConfig({ adapters: ['not-installed-adapter'], integrations: {} }));
    expect(missing.issues?.[0]).toMatch(/^adapters: adapter package "not-installed-adapter" is not installed/);
  });

  it('refuses trustProxy: true, which would believe any client, and takes the proxies as addresses', async () => {
    const err = await thrown(() => withConfig({ daemon: { trustProxy: true } }));
    expect(err.issues).toEqual([
      "daemon.trustProxy: true would believe any client's X-Forwarded-For; list your proxies' addresses instead, e.g. ['10.0.0.5', '10.1.0.0/16']",
    ]);
    const bad = await thrown(() => withConfig({ daemon: { trustProxy: ['10.0.0.0/8', 'proxy.local'] } }));
    expect(bad.issues).toEqual(['daemon.trustProxy[1]: expected an IP address or CIDR range']);
    expect((await withConfig({ daemon: { trustProxy: ['10.0.0.5', '10.1.0.0/16'] } })).daemon.trustProxy).toEqual(['10.0.0.5', '10.1.0.0/16']);
    expect((await withConfig({ daemon: { trustProxy: false } })).daemon.trustProxy).toEqual([]);
  });

  it('accepts a config without integrations and a daemon section', async () => {
    const loaded = await withConfig({ daemon: { port: 0, publicUrl: 'https://hooks.example.com', maxBodyBytes: 2048 } });
    expect(loaded.integrations).toEqual({});
    expect(loaded.daemon).toEqual({ host: '127.0.0.1', port: 0, publicUrl: 'https://hooks.example.com', maxBodyBytes: 2048, trustProxy: [], maxJsonDepth: 128 });
  });

  it('daemon.maxJsonDepth: a whole number from 1 to 999, default 128', async () => {
    expect((await withConfig({ daemon: { maxJsonDepth: 32 } })).daemon.maxJsonDepth).toBe(32);
    for (const bad of [0, 1000, 12.5, '64']) {
      const err = await thrown(() => withConfig({ daemon: { maxJsonDepth: bad } }));
      expect(err.category).toBe('CONFIG_INVALID');
      expect(err.issues?.join('\n')).toMatch(/daemon\.maxJsonDepth/);
    }
  });

  it('refuses a secret field shorter than 4 characters, naming the field and never quoting the value', async () => {
    const err = await thrown(() =>
      withConfig({ integrations: { pay: { adapter: 'fixture-pay', config: { ...payConfig, consumerSecret: 'q7z', tls: { passphrase: 'x' } } } } }),
    );
    expect(err.category).toBe('CONFIG_INVALID');
    expect(err.issues).toEqual([
      'integrations.pay.config.consumerSecret: a secret must be at least 4 characters (a shorter one cannot be masked in logs)',
      'integrations.pay.config.tls.passphrase: a secret must be at least 4 characters (a shorter one cannot be masked in logs)',
    ]);
    expect(err.message).not.toContain('q7z');
    // Four characters are enough.
    const loaded = await withConfig({ integrations: { pay: { adapter: 'fixture-pay', config: { ...payConfig, consumerSecret: 'q7z9' } } } });
    expect(loaded.integrations.pay.config).toMatchObject({ consumerSecret: 'q7z9' });
  });
  it('refuses weak webhook settings with the reason: a blank or short secret, a Standard Webhooks key outside 24-64 bytes, a tolerance over an hour', async () => {
    const key = (bytes: number) => `whsec_${Buffer.alloc(bytes, 7).toString('base64')}`;
    const err = await thrown(() =>
      withConfig({
        integrations: {
          blank: { adapter: 'fixture-store', webhook: { scheme: 'hmac', header: 'x-sig', secrets: [' '] } },
          short: { adapter: 'fixture-store', webhook: { scheme: 'github', secrets: ['abc1234'] } },
          tiny: { adapter: 'fixture-store', webhook: { scheme: 'standard-webhooks', secrets: [key(1)] } },
          huge: { adapter: 'fixture-store', webhook: { scheme: 'standard-webhooks', secrets: [key(24), key(65)] } },
          wide: { adapter: 'fixture-store', webhook: { scheme: 'stripe', secrets: ['whsec_long_enough_secret'], toleranceSeconds: 999999999 } },
        },
      }),
    );
    expect(err.category).toBe('CONFIG_INVALID');
    expect(err.issues).toEqual([
      'integrations.blank.webhook.secrets[0]: a webhook secret cannot be blank',
      'integrations.short.webhook.secrets[0]: a webhook secret must be at least 8 characters',
      'integrations.tiny.webhook.secrets[0]: a Standard Webhooks key must be 24 to 64 bytes (this one is 1)',
      'integrations.huge.webhook.secrets[1]: a Standard Webhooks key must be 24 to 64 bytes (this one is 65)',
      'integrations.wide.webhook.toleranceSeconds: at most 3600 (an hour): a captured request can be replayed for as long as the window is open',
    ]);
    expect(err.message).not.toContain('abc1234');

    const ok = await withConfig({
      integrations: {
        sw: { adapter: 'fixture-store', webhook: { scheme: 'standard-webhooks', secrets: [key(24), key(64)], toleranceSeconds: 3600 } },
        gh: { adapter: 'fixture-store', webhook: { scheme: 'github', secrets: ['abcd1234'] } },
      },
    });
    expect(Object.keys(ok.integrations).sort()).toEqual(['gh', 'sw']);
  });
});

import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { DEFINE_MODULE, fixtureRegistry, tempDir, thrown, type TempDir } from './config-fixtures.js';

const payConfig = { shortcode: '174379', consumerKey: 'ck-literal', consumerSecret: 'cs-literal' };

describe('loading config files', () => {
  let t: TempDir;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  const load = (extra: Partial<Parameters<typeof loadConfig>[0]> = {}) =>
    loadConfig({ cwd: t.dir, env: {}, registry: fixtureRegistry(), ...extra });

  it('loads a .ts config that imports nothing, with types erased', async () => {
    t.write(
      'integrations.config.ts',
      `interface Shape { integrations: Record<string, { adapter: string; config?: unknown }> }
const config: Shape = { integrations: { pay: { adapter: 'fixture-pay', config: ${JSON.stringify(payConfig)} } } };
export default config;`,
    );
    const loaded = await load();
    expect(loaded.path).toBe(join(t.dir, 'integrations.config.ts'));
    expect(loaded.dir).toBe(t.dir);
    expect(loaded.integrations.pay.config).toMatchObject({ shortcode: '174379', environment: 'sandbox' });
  });

  it('loads a .ts config written with defineConfig and env() imported by path', async () => {
    t.write(
      'integrations.config.ts',
      `import { defineConfig, env } from ${JSON.stringify(DEFINE_MODULE)};
export default defineConfig({
  integrations: {
    pay: {
      adapter: 'fixture-pay',
      config: { shortcode: env('PAY_SHORTCODE'), consumerKey: env('PAY_KEY'), consumerSecret: env('PAY_SECRET', 'fallback-secret') },
    },
  },
});`,
    );
    const loaded = await load({ env: { PAY_SHORTCODE: '600000', PAY_KEY: 'key-from-env' } });
    expect(loaded.integrations.pay.config).toMatchObject({
      shortcode: '600000',
      consumerKey: 'key-from-env',
      consumerSecret: 'fallback-secret',
    });
  });

  it("resolves the bare 'integrations' import to this package, so no local install is needed", async () => {
    t.write(
      'integrations.config.ts',
      `import { defineConfig, env } from 'integrations';
export default defineConfig({ integrations: { files: { adapter: 'fixture-store', config: { root: env('FILES_ROOT') } } } });`,
    );
    const loaded = await load({ env: { FILES_ROOT: '/srv/files' } });
    expect(loaded.integrations.files.config.root).toBe('/srv/files');
  });

  it('loads .mjs and .js configs', async () => {
    t.write('a/integrations.config.mjs', `export default { integrations: { files: { adapter: 'fixture-store' } } };`);
    t.write('b/integrations.config.js', `export default { integrations: { other: { adapter: 'fixture-store' } } };`);
    t.write('b/package.json', JSON.stringify({ type: 'module' }));
    expect(Object.keys((await load({ configPath: 'a' })).integrations)).toEqual(['files']);
    expect(Object.keys((await load({ configPath: 'b' })).integrations)).toEqual(['other']);
  });

  it('loads JSON, including "env:NAME" strings and {"$env"} markers', async () => {
    t.write(
      'integrations.config.json',
      JSON.stringify({
        integrations: {
          pay: {
            adapter: 'fixture-pay',
            config: { shortcode: 'env:PAY_SHORTCODE', consumerKey: { $env: 'PAY_KEY' }, consumerSecret: 'literal' },
          },
        },
      }),
    );
    const loaded = await load({ env: { PAY_SHORTCODE: '174379', PAY_KEY: 'key-1' } });
    expect(loaded.integrations.pay.config).toMatchObject({ shortcode: '174379', consumerKey: 'key-1' });
  });

  it('applies the defaults of every section', async () => {
    t.write('integrations.config.json', JSON.stringify({ integrations: { pay: { adapter: 'fixture-pay', config: payConfig } } }));
    const loaded = await load();
    expect(loaded.store).toEqual({ backend: 'sqlite', path: join(t.dir, '.integrations', 'integrations.db'), busyTimeoutMs: 5000 });
    expect(loaded.idempotency).toEqual({ ttlMs: 86_400_000 });
    expect(loaded.daemon).toEqual({ host: '127.0.0.1', port: 8787, maxBodyBytes: 1024 * 1024, trustProxy: [], maxJsonDepth: 128 });
    expect(loaded.adapterPackages).toEqual([]);
    const pay = loaded.integrations.pay;
    expect(pay).toMatchObject({
      name: 'pay',
      adapter: 'fixture-pay',
      enabled: true,
      retry: { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 10_000 },
      timeoutMs: 30_000,
      circuit: { consecutiveFailures: 5, windowMs: 60_000, minimumCalls: 10, cooldownMs: 30_000 },
      queueOnFailure: false,
      sensitive: [],
    });
    expect(pay.rateLimit).toBeUndefined();
  });

  it('reads durations, and turns perMinute into perSecond with a default burst', async () => {
    t.write(
      'integrations.config.json',
      JSON.stringify({
        idempotency: { ttl: '48h' },
        integrations: {
          files: {
            adapter: 'fixture-store',
            timeoutMs: '5s',
            retry: { baseDelayMs: '250ms', maxDelayMs: '1m' },
            circuit: { cooldownMs: '2m', failureRatio: 0.5 },
            rateLimit: { perMinute: 120 },
          },
        },
      }),
    );
    const loaded = await load();
    expect(loaded.idempotency.ttlMs).toBe(48 * 3_600_000);
    const files = loaded.integrations.files;
    expect(files.timeoutMs).toBe(5000);
    expect(files.retry).toEqual({ maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 60_000 });
    expect(files.circuit).toMatchObject({ cooldownMs: 120_000, failureRatio: 0.5 });
    expect(files.rateLimit).toEqual({ perSecond: 2, burst: 2 });
  });

  it('merges the config webhook section over the adapter declaration; none when neither has one', async () => {
    t.write(
      'integrations.config.json',
      JSON.stringify({
        integrations: {
          pay: { adapter: 'fixture-pay', config: payConfig, webhook: { secrets: ['whsec-one-1'], header: 'x-custom' } },
          plain: { adapter: 'fixture-pay', config: payConfig },
          files: { adapter: 'fixture-store' },
        },
      }),
    );
    const loaded = await load();
    expect(loaded.integrations.pay.webhook).toEqual({
      scheme: 'hmac-sha256',
      header: 'x-custom',
      toleranceSeconds: 600,
      secrets: ['whsec-one-1'],
      allowIps: [],
    });
    expect(loaded.integrations.plain.webhook).toMatchObject({ scheme: 'hmac-sha256', toleranceSeconds: 600, secrets: [] });
    expect(loaded.integrations.files.webhook).toBeUndefined();
  });

  it('lets the config choose the webhook scheme, and requires one when the adapter declares none', async () => {
    t.write(
      'integrations.config.json',
      JSON.stringify({
        integrations: {
          pay: { adapter: 'fixture-pay', config: payConfig, webhook: { scheme: 'basic', toleranceSeconds: 60 } },
          files: { adapter: 'fixture-store', webhook: { secrets: ['x-secret-1'] } },
        },
      }),
    );
    const err = await thrown(() => load());
    expect(err.issues).toEqual([
      'integrations.files.webhook.scheme: Required (adapter "fixture-store" declares no webhook verification scheme)',
    ]);
    t.write('integrations.config.json', JSON.stringify({
      integrations: { pay: { adapter: 'fixture-pay', config: payConfig, webhook: { scheme: 'basic', toleranceSeconds: 60 } } },
    }));
    const loaded = await load();
    expect(loaded.integrations.pay.webhook).toMatchObject({ scheme: 'basic', toleranceSeconds: 60, header: 'x-signature' });
  });

  it('reports a TypeScript syntax error with the file and a location, without the source text', async () => {
    const file = t.write(
      'integrations.config.ts',
      `export default {\n  integrations: { pay: { adapter: 'fixture-pay', config: { consumerKey: "sk_live_SECRET123" ,, } } },\n};\n`,
    );
    const err = await thrown(() => load());
    expect(err.category).toBe('CONFIG_INVALID');
    expect(err.message).toContain(`cannot load ${file}`);
    expect(err.message).toMatch(/line 2/);
    expect(err.message.split('\n')).toHaveLength(1);
    expect(err.message).not.toContain('sk_live_SECRET123');
  });

  it('reports a JSON syntax error with line and column, without quoting the file', async () => {
    const file = t.write('integrations.config.json', '{\n  "integrations": {\n    "pay": { "secret": "sk_live_SECRET123" ,}\n  }\n}\n');
    const err = await thrown(() => load());
    expect(err.category).toBe('CONFIG_INVALID');
    expect(err.message).toContain(`cannot load ${file}: invalid JSON`);
    expect(err.message).not.toContain('sk_live_SECRET123');
    expect(err.message.split('\n')).toHaveLength(1);
  });

  it('reports a JavaScript syntax error and a config that throws while loading', async () => {
    const bad = t.write('bad/integrations.config.mjs', 'export default {\n  token: "sk_live_SECRET123",\n  integrations: {}\n  store: {}\n};\n');
    const err = await thrown(() => load({ configPath: 'bad' }));
    expect(err.category).toBe('CONFIG_INVALID');
    // Node says SyntaxError; under vitest the bundler's parser reports it first.
    expect(err.message).toMatch(new RegExp(`^cannot load ${bad.replace(/[.]/g, '\\.')}: \\w*(Syntax|Rolldown)Error`));
    expect(err.message.split('\n')).toHaveLength(1);
    expect(err.message).not.toContain('sk_live_SECRET123');
    t.write('throws/integrations.config.mjs', 'throw new Error("boom while loading");\n');
    const thrownErr = await thrown(() => load({ configPath: 'throws' }));
    expect(thrownErr.message).toMatch(/cannot load .*throws.*boom while loading/);
  });

  it('refuses a module without a default export, and a default that is not an object', async () => {
    t.write('a/integrations.config.mjs', 'export const integrations = {};\n');
    expect((await thrown(() => load({ configPath: 'a' }))).message).toContain('has no default export');
    t.write('b/integrations.config.json', '[1, 2]');
    expect((await thrown(() => load({ configPath: 'b' }))).message).toContain('default export must be an object');
  });
});

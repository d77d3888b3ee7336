import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { env } from '../../src/config/define.js';
import { loadConfig } from '../../src/config/load.js';
import { fixtureRegistry, tempDir, thrown, type TempDir } from './config-fixtures.js';

const payConfig = { shortcode: '174379', consumerKey: 'ck-literal', consumerSecret: 'cs-literal' };

describe('environment references and overrides', () => {
  let t: TempDir;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  const withConfig = (config: unknown, environment: NodeJS.ProcessEnv) => {
    t.write('integrations.config.json', JSON.stringify(config));
    return loadConfig({ cwd: t.dir, env: environment, registry: fixtureRegistry() });
  };

  it('env() builds a marker and refuses an invalid variable name', () => {
    expect(env('MPESA_KEY')).toEqual({ $env: 'MPESA_KEY' });
    expect(env('MPESA_KEY', 'x')).toEqual({ $env: 'MPESA_KEY', fallback: 'x' });
    expect(() => env('not valid')).toThrow(TypeError);
  });

  it('types referenced values as their fields expect: a numeric secret stays a string, a port becomes a number', async () => {
    const loaded = await withConfig(
      {
        daemon: { port: { $env: 'PORT' }, trustProxy: ['env:TRUST_PROXY'] },
        integrations: {
          pay: {
            adapter: 'fixture-pay',
            enabled: 'env:PAY_ENABLED',
            config: { ...payConfig, consumerKey: 'env:PAY_KEY', port: 'env:PAY_PORT', verbose: 'env:PAY_VERBOSE' },
          },
        },
      },
      { PORT: '9090', TRUST_PROXY: '10.0.0.5', PAY_ENABLED: 'false', PAY_KEY: '123456789', PAY_PORT: '8443', PAY_VERBOSE: '1' },
    );
    expect(loaded.daemon.port).toBe(9090);
    expect(loaded.daemon.trustProxy).toEqual(['10.0.0.5']);
    expect(loaded.integrations.pay.enabled).toBe(false);
    expect(loaded.integrations.pay.config).toMatchObject({ consumerKey: '123456789', port: 8443, verbose: true });
  });

  it('treats an empty variable as unset and uses the fallback', async () => {
    const loaded = await withConfig(
      { integrations: { pay: { adapter: 'fixture-pay', config: { ...payConfig, consumerKey: { $env: 'PAY_KEY', fallback: 'fb-key' } } } } },
      { PAY_KEY: '' },
    );
    expect(loaded.integrations.pay.config.consumerKey).toBe('fb-key');
  });

  it('names the integration, field and variable of every missing reference, once each', async () => {
    const err = await thrown(() =>
      withConfig(
        {
          store: { path: 'env:DB_FILE' },
          integrations: {
            pay: { adapter: 'fixture-pay', config: { ...payConfig, consumerKey: 'env:PAY_KEY', consumerSecret: 'env:PAY_SECRET' } },
          },
        },
        {},
      ),
    );
    expect(err.category).toBe('CONFIG_INVALID');
    expect(err.issues).toEqual([
      'store.path: environment variable DB_FILE is not set',
      'integrations.pay.config.consumerKey: environment variable PAY_KEY is not set',
      'integrations.pay.config.consumerSecret: environment variable PAY_SECRET is not set',
    ]);
  });

  it('overrides nested fields from INTEGRATIONS__<NAME>__<FIELD>, case-insensitively, typed by the schema', async () => {
    const loaded = await withConfig(
      { integrations: { pay: { adapter: 'fixture-pay', config: payConfig, retry: { maxAttempts: 2 } } } },
      {
        INTEGRATIONS__PAY__CONFIG__SHORTCODE: '600000',
        INTEGRATIONS__PAY__CONFIG__CONSUMER_KEY: '987654321',
        INTEGRATIONS__PAY__RETRY__MAXATTEMPTS: '7',
        integrations__pay__timeoutms: '45s',
        INTEGRATIONS__PAY__ENABLED: 'false',
        INTEGRATIONS__PAY__CONFIG__TLS__CAFILE: 'certs/ca.pem',
        INTEGRATIONS__PAY__WEBHOOK__SECRETS: 'one-secret,two-secret',
        INTEGRATIONS__PAY__WEBHOOK__SIGNATURE_HEADER: 'x-sig',
      },
    );
    const pay = loaded.integrations.pay;
    expect(pay.config).toMatchObject({ shortcode: '600000', consumerKey: '987654321', tls: { caFile: `${t.dir}/certs/ca.pem` } });
    expect(pay.retry.maxAttempts).toBe(7);
    expect(pay.timeoutMs).toBe(45_000);
    expect(pay.enabled).toBe(false);
    expect(pay.webhook).toMatchObject({ secrets: ['one-secret', 'two-secret'], signatureHeader: 'x-sig' });
  });

  it('matches a dashed integration name written with underscores, and an override beats a missing reference', async () => {
    const loaded = await withConfig(
      { integrations: { 'pay-main': { adapter: 'fixture-pay', config: { ...payConfig, consumerKey: 'env:UNSET_KEY' } } } },
      { INTEGRATIONS__PAY_MAIN__CONFIG__CONSUMERKEY: 'from-override' },
    );
    expect(loaded.integrations['pay-main'].config.consumerKey).toBe('from-override');
  });

  it('can switch the adapter from the environment, validating config against the new one', async () => {
    const err = await thrown(() =>
      withConfig(
        { integrations: { x: { adapter: 'fixture-store', config: { root: 'data' } } } },
        { INTEGRATIONS__X__ADAPTER: 'fixture-pay' },
      ),
    );
    expect(err.issues).toContain('integrations.x.config.shortcode: Required');
  });

  it('validates overridden values against the schema after merging', async () => {
    const err = await thrown(() =>
      withConfig(
        { integrations: { pay: { adapter: 'fixture-pay', config: payConfig } } },
        { INTEGRATIONS__PAY__RETRY__MAXATTEMPTS: 'lots', INTEGRATIONS__PAY__CONFIG__SHORTCODE: '12' },
      ),
    );
    expect(err.issues).toEqual([
      'integrations.pay.config.shortcode: Too small: expected string to have >=5 characters',
      'integrations.pay.retry.maxAttempts: Invalid input: expected number, received string',
    ]);
  });

  it('reports overrides for unknown fields and unknown integrations instead of ignoring them', async () => {
    const err = await thrown(() =>
      withConfig(
        { integrations: { pay: { adapter: 'fixture-pay', config: payConfig } } },
        { INTEGRATIONS__PAY__CONFIG__SHORTCOD: '600000', INTEGRATIONS__PAYY__ENABLED: 'false', INTEGRATIONS__PAY: 'x' },
      ),
    );
    expect(err.issues).toEqual([
      'INTEGRATIONS__PAY: expected INTEGRATIONS__<NAME>__<FIELD>, nested with __',
      'integrations.payy: INTEGRATIONS__PAYY__ENABLED names no configured integration (integrations: pay)',
      'integrations.pay.config.shortcod: no such field, set by INTEGRATIONS__PAY__CONFIG__SHORTCOD (fields: shortcode, consumerKey, consumerSecret, environment, port, verbose, certFile, tls)',
    ]);
  });
});

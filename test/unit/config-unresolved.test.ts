import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { configuredNames, findIntegration, unresolvedReason } from '../../src/config/lookup.js';
import { IntegrationError } from '../../src/core/errors.js';
import { resolveOperation } from '../../src/core/executor.js';
import { fixtureRegistry, tempDir, thrown, type TempDir } from './config-fixtures.js';

const payConfig = { shortcode: '174379', consumerKey: 'ck-literal', consumerSecret: 'cs-literal' };

describe('an integration waiting on an unset environment variable', () => {
  let t: TempDir;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  const withConfig = (config: unknown, environment: NodeJS.ProcessEnv = {}) => {
    t.write('integrations.config.json', JSON.stringify(config));
    return loadConfig({ cwd: t.dir, env: environment, registry: fixtureRegistry() });
  };

  it('is set aside as unresolved while the rest of the config loads', async () => {
    const loaded = await withConfig({
      integrations: {
        pay: { adapter: 'fixture-pay', config: { ...payConfig, consumerSecret: 'env:MPESA_CONSUMER_SECRET' }, sensitive: ['card.number'] },
        files: { adapter: 'fixture-store', config: { root: 'data' } },
      },
    });
    expect(Object.keys(loaded.integrations)).toEqual(['files']);
    expect(loaded.unresolved).toEqual({
      pay: {
        name: 'pay',
        adapter: 'fixture-pay',
        enabled: true,
        sensitive: ['card.number'],
        missing: ['MPESA_CONSUMER_SECRET'],
        problems: [{ path: 'integrations.pay.config.consumerSecret', message: 'environment variable MPESA_CONSUMER_SECRET is not set' }],
      },
    });
    expect(unresolvedReason(loaded.unresolved.pay)).toBe('MPESA_CONSUMER_SECRET is not set');
    expect(configuredNames(loaded)).toEqual(['files', 'pay']);
  });

  it('fails CONFIG_INVALID naming the field and the variable when used by name, and never hands out a half-resolved config', async () => {
    const loaded = await withConfig({
      integrations: { pay: { adapter: 'fixture-pay', config: { ...payConfig, consumerSecret: 'env:MPESA_CONSUMER_SECRET' } } },
    });
    const err = await thrown(async () => findIntegration(loaded, 'pay'));
    expect(err).toBeInstanceOf(IntegrationError);
    expect(err.category).toBe('CONFIG_INVALID');
    expect(err.message).toBe(
      `invalid config in ${t.dir}/integrations.config.json:\n  - integrations.pay.config.consumerSecret: environment variable MPESA_CONSUMER_SECRET is not set`,
    );
    expect(findIntegration(loaded, 'nope')).toBeUndefined();
    // Names come from the command line and URLs: nothing inherited is an integration.
    expect(findIntegration(loaded, 'constructor')).toBeUndefined();
    expect(loaded.unresolved.constructor).toBeUndefined();
  });

  it('the executor refuses it by name with that CONFIG_INVALID, before any adapter code runs', async () => {
    const loaded = await withConfig({
      integrations: { pay: { adapter: 'fixture-pay', config: { ...payConfig, consumerSecret: 'env:MPESA_CONSUMER_SECRET' } } },
    });
    await expect(resolveOperation(loaded, fixtureRegistry(), 'pay', 'charge')).rejects.toMatchObject({
      category: 'CONFIG_INVALID',
      message: expect.stringContaining('integrations.pay.config.consumerSecret: environment variable MPESA_CONSUMER_SECRET is not set'),
    });
  });

  it('is unresolved even when the unset field is optional (absent would be a half-resolved config)', async () => {
    const loaded = await withConfig({ integrations: { pay: { adapter: 'fixture-pay', config: { ...payConfig, port: 'env:PAY_PORT' } } } });
    expect(loaded.integrations.pay).toBeUndefined();
    expect(loaded.unresolved.pay.missing).toEqual(['PAY_PORT']);
  });

  it('lists every unset variable once, and keeps enabled: false as written', async () => {
    const loaded = await withConfig({
      integrations: {
        pay: {
          adapter: 'fixture-pay',
          enabled: false,
          config: { ...payConfig, consumerKey: 'env:PAY_KEY', consumerSecret: 'env:PAY_SECRET' },
          webhook: { secrets: ['env:PAY_SECRET'] },
        },
      },
    });
    expect(loaded.unresolved.pay).toMatchObject({ enabled: false, missing: ['PAY_KEY', 'PAY_SECRET'] });
    expect(loaded.unresolved.pay.problems.map((p) => p.path)).toEqual([
      'integrations.pay.config.consumerKey',
      'integrations.pay.config.consumerSecret',
      'integrations.pay.webhook.secrets[0]',
    ]);
    expect(unresolvedReason(loaded.unresolved.pay)).toBe('PAY_KEY, PAY_SECRET are not set');
  });

  it('defers what the unset value makes fail at an object holding it (a refinement over the object)', async () => {
    const loaded = await withConfig({ integrations: { pay: { adapter: 'fixture-pay', config: payConfig, rateLimit: { perSecond: 'env:PAY_RATE' } } } });
    expect(loaded.unresolved.pay.missing).toEqual(['PAY_RATE']);
  });

  it('resolves from an INTEGRATIONS__ override that sets the field', async () => {
    const loaded = await withConfig(
      { integrations: { pay: { adapter: 'fixture-pay', config: { ...payConfig, consumerSecret: 'env:MPESA_CONSUMER_SECRET' } } } },
      { INTEGRATIONS__PAY__CONFIG__CONSUMER_SECRET: 'from-override' },
    );
    expect(loaded.unresolved).toEqual({});
    expect(loaded.integrations.pay.config.consumerSecret).toBe('from-override');
  });

  it('still fails every command when the same integration also has a field of the wrong type', async () => {
    const err = await thrown(() =>
      withConfig({
        integrations: { pay: { adapter: 'fixture-pay', timeoutMs: 'soon', config: { ...payConfig, consumerSecret: 'env:MPESA_CONSUMER_SECRET' } } },
      }),
    );
    expect(err.category).toBe('CONFIG_INVALID');
    expect(err.issues).toEqual([
      'integrations.pay.config.consumerSecret: environment variable MPESA_CONSUMER_SECRET is not set',
      expect.stringMatching(/^integrations\.pay\.timeoutMs: expected /),
    ]);
  });

  it('still fails every command for an unknown adapter or a bad field elsewhere, listing the unset variable beside it', async () => {
    const err = await thrown(() =>
      withConfig({
        integrations: {
          pay: { adapter: 'fixture-pay', config: { ...payConfig, consumerSecret: 'env:MPESA_CONSUMER_SECRET' } },
          other: { adapter: 'no-such-adapter' },
          files: { adapter: 'fixture-store', config: { root: 42 } },
        },
      }),
    );
    expect(err.issues).toEqual([
      'integrations.pay.config.consumerSecret: environment variable MPESA_CONSUMER_SECRET is not set',
      expect.stringMatching(/^integrations\.other\.adapter: unknown adapter "no-such-adapter"/),
      expect.stringMatching(/^integrations\.files\.config\.root: /),
    ]);
  });

  it('still fails every command for an unset variable outside the integrations (the store path)', async () => {
    const err = await thrown(() => withConfig({ store: { path: 'env:DB_FILE' }, integrations: { files: { adapter: 'fixture-store' } } }));
    expect(err.issues).toEqual(['store.path: environment variable DB_FILE is not set']);
  });

  it('still fails every command for an integration name that is not allowed, unset variable or not', async () => {
    const err = await thrown(() => withConfig({ integrations: { Pay: { adapter: 'fixture-pay', config: { ...payConfig, consumerSecret: 'env:X_SECRET' } } } }));
    expect(err.issues).toContain('integrations.Pay: integration names use lower-case letters, digits and dashes');
  });
});

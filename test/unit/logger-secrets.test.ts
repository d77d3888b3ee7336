import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { configSecrets } from '../../src/config/secrets.js';
import { jsonLineLogger } from '../../src/core/logger.js';
import { SecretSet } from '../../src/core/secret-set.js';
import { fixtureRegistry, tempDir, type TempDir } from './config-fixtures.js';

describe('the loggers\' secret list', () => {
  let t: TempDir;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it('configSecrets holds every integration\'s secret fields, not only webhook secrets', async () => {
    t.write(
      'integrations.config.json',
      JSON.stringify({
        integrations: {
          pay: { adapter: 'fixture-pay', config: { shortcode: '174379', consumerKey: 'ck-value-1', consumerSecret: 'cs-value-1' }, webhook: { secrets: ['whsec-a1'] } },
        },
      }),
    );
    const registry = fixtureRegistry();
    const config = await loadConfig({ cwd: t.dir, env: {}, registry });
    expect(new Set(await configSecrets(config, registry))).toEqual(new Set(['ck-value-1', 'cs-value-1', 'whsec-a1']));
  });

  it('a logger given the process\'s SecretSet masks a token added after it was made, in any encoding', () => {
    const lines: string[] = [];
    const secrets = new SecretSet(['cs-value-1']);
    const log = jsonLineLogger((l) => lines.push(l), { level: 'debug', secrets, now: () => 0 });
    const token = 'tokenLettersOnlyAbcdefgh';
    secrets.add(token);
    log.debug('provider said', { body: `bad ${token} / ${Buffer.from(token).toString('base64')} / cs-value-1` });
    expect(lines.join('')).not.toContain(token);
    expect(lines.join('')).not.toContain(Buffer.from(token).toString('base64'));
    expect(lines.join('')).not.toContain('cs-value-1');
    expect(JSON.parse(lines[0]).body).toBe('bad [REDACTED] / [REDACTED] / [REDACTED]');
  });
});

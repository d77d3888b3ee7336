import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAdapter, type AdapterDefinition, type HealthResult } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import { secret } from '../../src/core/fields.js';
import { checkHealth } from '../../src/core/health.js';
import { UsageError } from '../../src/core/usage-error.js';
import { makeEngine, type Engine } from './executor-fixture.js';

const KEY = 'sk_health_secret_123456';

function probe(name: string, health?: (signal: AbortSignal) => Promise<HealthResult>): AdapterDefinition {
  return defineAdapter({
    name,
    kind: 'generic',
    description: `health fixture ${name}`,
    config: z.object({ key: secret(z.string()).optional() }),
    operations: {},
    ...(health ? { health: (ctx) => health(ctx.signal) } : {}),
  });
}

/** Never answers; rejects only when its signal is aborted. */
function stall(signal: AbortSignal, onAbort: () => void): Promise<HealthResult> {
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => {
      onAbort();
      reject(new Error('aborted'));
    });
  });
}

describe('checkHealth', () => {
  let engine: Engine | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  async function setUp() {
    const aborted: string[] = [];
    engine = await makeEngine({
      adapters: [
        probe('up', async () => ({ status: 'healthy', message: 'fine' })),
        probe('slow', async () => ({ status: 'degraded', message: 'answering slowly' })),
        probe('stuck', (signal) => stall(signal, () => aborted.push('stuck'))),
        probe('leaky', async () => {
          throw new IntegrationError('AUTHENTICATION_FAILED', `key ${KEY} was rejected`);
        }),
        probe('silent'),
      ],
      integrations: {
        a: { adapter: 'up' },
        b: { adapter: 'slow' },
        c: { adapter: 'stuck' },
        d: { adapter: 'leaky', config: { key: KEY } },
        e: { adapter: 'silent' },
        f: { adapter: 'up', enabled: false },
      },
    });
    return { engine, aborted };
  }

  it('checks every enabled integration concurrently; a stalled check is unhealthy after the timeout and its signal is aborted', async () => {
    const { engine, aborted } = await setUp();
    const reports = await checkHealth(engine, [], 30);
    const byName = Object.fromEntries(reports.map((r) => [r.name, r]));
    expect(Object.keys(byName).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(byName.a).toMatchObject({ adapter: 'up', status: 'healthy', message: 'fine' });
    expect(byName.b).toMatchObject({ status: 'degraded', message: 'answering slowly' });
    expect(byName.c).toMatchObject({ status: 'unhealthy', message: 'timed out after 30 ms' });
    expect(aborted).toEqual(['stuck']);
    expect(byName.e).toMatchObject({ status: 'healthy', message: 'adapter silent has no health check' });
  });

  it('a check that throws is unhealthy with its category, and the integration secret is scrubbed from the message', async () => {
    const { engine } = await setUp();
    const [report] = await checkHealth(engine, ['d'], 1_000);
    expect(report.status).toBe('unhealthy');
    expect(report.message).toMatch(/^AUTHENTICATION_FAILED: key \[REDACTED\] was rejected$/);
  });

  it('named integrations are checked even when disabled (reported unhealthy); unknown names are a usage error listing the configured ones', async () => {
    const { engine } = await setUp();
    expect(await checkHealth(engine, ['f'], 1_000)).toEqual([{ name: 'f', adapter: 'up', status: 'unhealthy', latencyMs: 0, message: 'disabled in the config' }]);
    await expect(checkHealth(engine, ['a', 'zz'], 1_000)).rejects.toThrow(UsageError);
    await expect(checkHealth(engine, ['zz'], 1_000)).rejects.toThrow('unknown integration "zz"; configured: a, b, c, d, e, f');
  });
});

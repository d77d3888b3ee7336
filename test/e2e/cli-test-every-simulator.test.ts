import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdapterRegistry } from '../../src/core/registry.js';
import type { AdapterDefinition, RunningSimulator } from '../../src/core/adapter.js';
import { assertBuilt, cli } from './cli-harness.js';

/**
 * Issue 5's bar for every adapter: `integrations test <name>` is green
 * against its simulator — config valid, credentials present, health, and
 * the adapter's self-test, through the built CLI.
 */
const registry = new AdapterRegistry();
const adapters: AdapterDefinition[] = (await registry.list()).filter((a) => a.simulator);

describe('integrations test <name> against each simulator', () => {
  const running: RunningSimulator[] = [];
  let dir: string;

  beforeAll(async () => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'integrations-sim-test-'));
    const integrations: Record<string, unknown> = {};
    for (const adapter of adapters) {
      const sim = await adapter.simulator!.start({ callbackUrl: 'http://127.0.0.1:9/callback' });
      running.push(sim);
      integrations[adapter.name] = { adapter: adapter.name, config: sim.config, timeoutMs: 10_000 };
    }
    writeFileSync(join(dir, 'integrations.config.json'), JSON.stringify({ integrations }, null, 2));
  });

  afterAll(async () => {
    await Promise.all(running.map((s) => s.close()));
  });

  it('covers the adapters that ship simulators', () => {
    expect(adapters.map((a) => a.name)).toEqual(expect.arrayContaining(['mpesa', 'africastalking', 'twilio', 'whatsapp', 'sendgrid', 'smtp', 's3']));
  });

  it.each(adapters.map((a) => a.name))('%s', async (name) => {
    const res = await cli(['test', name, '--no-color'], { cwd: dir });
    expect(res.stderr + res.stdout).not.toMatch(/✗/);
    expect(res.code, res.stderr + res.stdout).toBe(0);
    expect(res.stdout + res.stderr).toMatch(/self-test/i);
  });
});

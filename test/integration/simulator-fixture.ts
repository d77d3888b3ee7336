/**
 * What an adapter test runs against, set up and torn down the same way for
 * every adapter: a fresh ManualClock, the adapter's simulator on it, a
 * harness pointed at the simulator, a scratch folder for local files, and
 * optionally a loopback receiver that the simulator posts its callbacks to.
 * Use it as
 *
 *   beforeEach(async () => {
 *     const f = await onSimulator(adapter, startSimulator);
 *     ({ sim, h, clock } = f);
 *     return f.close;
 *   });
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdapterDefinition } from '../../src/core/adapter.js';
import { ManualClock, type Clock } from '../../src/core/clock.js';
import { harness, receiver, type Harness, type Receiver } from './payment-adapter-harness.js';

interface Simulator {
  config: Record<string, unknown>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  /** Merged over the simulator's config for the harness (settings the simulator does not supply). */
  config?: Record<string, unknown>;
  timeoutMs?: number;
  maxAttempts?: number;
}

export interface SimulatorFixture<S extends Simulator> {
  clock: ManualClock;
  sim: S;
  h: Harness;
  /** A scratch folder for the files operations read and write, removed with the fixture. */
  dir: string;
  /** Writes a file in the scratch folder; returns its path. */
  file(name: string, content: string | Buffer): string;
  /** Another integration of the adapter against the same simulator, with config overrides (and its own clock or timeout); closed with the fixture. */
  withConfig(overrides: Record<string, unknown>, options?: { clock?: Clock; timeoutMs?: number }): Harness;
  close(): Promise<void>;
}

export async function onSimulator<S extends Simulator>(
  adapter: AdapterDefinition,
  start: (options: { clock: ManualClock }) => Promise<S>,
  options: FixtureOptions = {},
): Promise<SimulatorFixture<S>> {
  const clock = new ManualClock();
  const sim = await start({ clock });
  return fixture(adapter, clock, sim, options, []);
}

/** The same, with a loopback receiver; the simulator's callbacks go to `callbackPath` under it. */
export async function onSimulatorWithReceiver<S extends Simulator>(
  adapter: AdapterDefinition,
  start: (options: { clock: ManualClock; callbackUrl: string }) => Promise<S>,
  options: FixtureOptions & { callbackPath?: string } = {},
): Promise<SimulatorFixture<S> & { hooks: Receiver }> {
  const clock = new ManualClock();
  const hooks = await receiver();
  const { callbackPath = '', ...rest } = options;
  const sim = await start({ clock, callbackUrl: `${hooks.url}${callbackPath}` });
  return { ...fixture(adapter, clock, sim, rest, [hooks]), hooks };
}

function fixture<S extends Simulator>(adapter: AdapterDefinition, clock: ManualClock, sim: S, options: FixtureOptions, receivers: Receiver[]): SimulatorFixture<S> {
  const { config, ...harnessOptions } = options;
  const h = harness(adapter, { ...sim.config, ...config }, { clock, ...harnessOptions });
  const others: Harness[] = [];
  const dir = mkdtempSync(join(tmpdir(), `${adapter.name}-files-`));
  return {
    clock,
    sim,
    h,
    dir,
    file(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    withConfig(overrides, more = {}) {
      const other = harness(adapter, { ...sim.config, ...config, ...overrides }, { clock, ...harnessOptions, ...more });
      others.push(other);
      return other;
    },
    async close() {
      await sim.close();
      for (const r of receivers) await r.close();
      await h.close();
      for (const other of others.splice(0)) await other.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

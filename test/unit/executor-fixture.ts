/**
 * An engine on a temporary SQLite file for executor tests: a LoadedConfig
 * built by hand, the real registry (bundled adapters) plus fixture adapters,
 * a ManualClock and a scripted random source.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { defineAdapter, defineOperation, type AdapterContext, type AdapterDefinition, type RetrySafety } from '../../src/core/adapter.js';
import { ManualClock } from '../../src/core/clock.js';
import { createExecutor, type ExecutorDeps } from '../../src/core/executor.js';
import { secret } from '../../src/core/fields.js';
import { AdapterRegistry } from '../../src/core/registry.js';
import type { LoadedConfig, ResolvedIntegration } from '../../src/config/types.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { testConfig } from '../support/loaded-config.js';

export interface IntegrationSpec extends Partial<Omit<ResolvedIntegration, 'name' | 'config'>> {
  adapter: string;
  /** Raw config; parsed through the adapter's schema like the loader does. */
  config?: Record<string, unknown>;
}

export function resolvedIntegration(name: string, spec: IntegrationSpec, config: Record<string, unknown>): ResolvedIntegration {
  return {
    name,
    enabled: true,
    retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
    timeoutMs: 5_000,
    circuit: { consecutiveFailures: 5, windowMs: 60_000, minimumCalls: 10, cooldownMs: 30_000 },
    queueOnFailure: false,
    sensitive: [],
    ...spec,
    config,
  };
}

/** A random source that returns the given values in turn, then repeats the last. */
export function scriptedRandom(...values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)];
}

export interface Engine {
  dir: string;
  store: SqliteStore;
  clock: ManualClock;
  registry: AdapterRegistry;
  config: LoadedConfig;
  executor: ReturnType<typeof createExecutor>;
  /** Another process's executor on the same store. */
  another(overrides?: Partial<ExecutorDeps>): ReturnType<typeof createExecutor>;
  close(): Promise<void>;
}

export async function makeEngine(options: {
  integrations: Record<string, IntegrationSpec>;
  adapters?: AdapterDefinition[];
  random?: () => number;
  ttlMs?: number;
}): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), 'integrations-executor-'));
  const store = SqliteStore.open(join(dir, 'store.db'));
  const clock = new ManualClock();
  const registry = new AdapterRegistry();
  for (const adapter of options.adapters ?? []) registry.register(adapter);
  const integrations: Record<string, ResolvedIntegration> = {};
  for (const [name, spec] of Object.entries(options.integrations)) {
    const adapter = await registry.get(spec.adapter);
    if (!adapter) throw new Error(`fixture: no adapter ${spec.adapter}`);
    integrations[name] = resolvedIntegration(name, spec, adapter.config.parse(spec.config ?? {}) as Record<string, unknown>);
  }
  const config: LoadedConfig = testConfig(dir, integrations, { ttlMs: options.ttlMs, file: 'integrations.config.ts' });
  const deps: ExecutorDeps = { config, registry, store, clock, random: options.random ?? scriptedRandom(0.5), owner: 'test-process' };
  return {
    dir,
    store,
    clock,
    registry,
    config,
    executor: createExecutor(deps),
    another: (overrides = {}) => createExecutor({ ...deps, owner: 'other-process', ...overrides }),
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What a scripted operation does on each call: throw this error, or return this value. */
export type Step = Error | { value: unknown };

/**
 * A test double whose operations follow a script of outcomes and record every
 * call (input, idempotency key, signal), for assertions on what actually ran.
 */
export function scriptedAdapter(name = 'scripted') {
  const calls: { operation: string; input: unknown; idempotencyKey: string; signal: AbortSignal; ctx: AdapterContext }[] = [];
  const scripts: Record<string, Step[]> = {};
  const op = (operation: string, retry: RetrySafety, output: z.ZodType = z.unknown(), sensitive?: string[]) =>
    defineOperation({
      description: `${operation} (${retry})`,
      input: z.looseObject({ amount: z.number().positive().optional() }),
      output,
      retry,
      sensitive,
      async run(ctx, input) {
        calls.push({ operation, input, idempotencyKey: ctx.idempotencyKey, signal: ctx.signal, ctx });
        const step = scripts[operation]?.shift() ?? { value: { ok: true, input } };
        if (step instanceof Error) throw step;
        if (typeof step.value === 'function') return (step.value as (ctx: AdapterContext) => Promise<unknown>)(ctx);
        return step.value;
      },
    });
  const adapter = defineAdapter({
    name,
    kind: 'generic',
    description: 'Scripted test double',
    config: z.object({ apiKey: secret(z.string()).optional(), region: z.string().optional() }),
    operations: {
      read: op('read', 'safe'),
      write: op('write', 'keyed'),
      send: op('send', 'unsafe'),
      strict: op('strict', 'safe', z.object({ id: z.string(), amount: z.number() })),
      profile: op('profile', 'safe', z.unknown(), ['customer.nationalId']),
    },
  });
  return {
    adapter,
    calls,
    /** Queues outcomes for the next calls of an operation. */
    script(operation: string, ...steps: Step[]) {
      (scripts[operation] ??= []).push(...steps);
    },
    runs(operation: string) {
      return calls.filter((c) => c.operation === operation).length;
    },
  };
}

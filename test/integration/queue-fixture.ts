/**
 * A queue test bench: a temporary SQLite store with the real migrations, a
 * ManualClock, a scripted random source, and a fake provider adapter whose
 * operations follow a script and record every call with its idempotency key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { defineAdapter, defineOperation, type AdapterContext, type RetrySafety } from '../../src/core/adapter.js';
import { ManualClock } from '../../src/core/clock.js';
import { createExecutor } from '../../src/core/executor.js';
import { createStoreGuard } from '../../src/core/policies/guard.js';
import { secret } from '../../src/core/fields.js';
import { AdapterRegistry } from '../../src/core/registry.js';
import type { LoadedConfig, ResolvedIntegration } from '../../src/config/types.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { testConfig } from '../support/loaded-config.js';

export type Step = Error | { value: unknown } | { run: (ctx: AdapterContext) => Promise<unknown> };

export interface Call {
  operation: string;
  input: Record<string, unknown>;
  idempotencyKey: string;
  at: number;
}

/** The fake provider: charge (keyed), send (unsafe), lookup (safe), query (safe, for reconcile). */
export function fakeProvider(name = 'fakepay') {
  const calls: Call[] = [];
  const scripts: Record<string, Step[]> = {};
  const op = (operation: string, retry: RetrySafety, input: z.ZodType = z.looseObject({ reference: z.string().optional() })) =>
    defineOperation({
      description: `${operation} (${retry})`,
      input,
      output: z.unknown(),
      retry,
      sensitive: ['card.number'],
      async run(ctx, payload) {
        calls.push({ operation, input: payload as Record<string, unknown>, idempotencyKey: ctx.idempotencyKey, at: ctx.clock.now() });
        const step = scripts[operation]?.shift() ?? { value: { id: `${operation}-${calls.length}`, status: 'succeeded' } };
        if (step instanceof Error) throw step;
        if ('run' in step) return step.run(ctx);
        return step.value;
      },
    });
  const adapter = defineAdapter({
    name,
    kind: 'generic',
    description: 'Scripted fake provider for queue tests',
    config: z.object({ apiKey: secret(z.string()).optional() }),
    operations: {
      charge: op('charge', 'keyed'),
      send: op('send', 'unsafe'),
      lookup: op('lookup', 'safe'),
      query: op('query', 'safe', z.object({ reference: z.string() })),
    },
  });
  return {
    adapter,
    calls,
    script(operation: string, ...steps: Step[]) {
      (scripts[operation] ??= []).push(...steps);
    },
    callsOf(operation: string) {
      return calls.filter((c) => c.operation === operation);
    },
  };
}

export function integration(name: string, overrides: Partial<ResolvedIntegration> = {}): ResolvedIntegration {
  return {
    name,
    adapter: 'fakepay',
    enabled: true,
    config: { apiKey: 'sk_live_supersecret' },
    retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
    timeoutMs: 5_000,
    circuit: { consecutiveFailures: 3, windowMs: 60_000, minimumCalls: 10, cooldownMs: 30_000 },
    queueOnFailure: false,
    sensitive: [],
    queue: { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 60_000 },
    ...overrides,
  };
}

export function scriptedRandom(...values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)];
}

export interface Bench {
  dir: string;
  dbPath: string;
  store: SqliteStore;
  clock: ManualClock;
  registry: AdapterRegistry;
  config: LoadedConfig;
  provider: ReturnType<typeof fakeProvider>;
  /** A second connection to the same file: what another process sees. */
  openAnother(): SqliteStore;
  /** The executor `run` uses, with the store-backed guard. */
  runExecutor(owner?: string): ReturnType<typeof createExecutor>;
  close(): Promise<void>;
}

export function makeBench(integrations: ResolvedIntegration[] = [integration('pay')]): Bench {
  const dir = mkdtempSync(join(tmpdir(), 'integrations-queue-'));
  const dbPath = join(dir, 'store.db');
  const store = SqliteStore.open(dbPath);
  const others: SqliteStore[] = [];
  const clock = new ManualClock();
  const provider = fakeProvider();
  const registry = new AdapterRegistry();
  registry.register(provider.adapter);
  const config: LoadedConfig = testConfig(dir, integrations, { storePath: dbPath });
  return {
    dir,
    dbPath,
    store,
    clock,
    registry,
    config,
    provider,
    openAnother() {
      const other = SqliteStore.open(dbPath);
      others.push(other);
      return other;
    },
    runExecutor(owner = 'run-process') {
      return createExecutor({ config, registry, store, clock, random: () => 0.5, owner, guard: createStoreGuard({ store, clock, owner }) });
    },
    async close() {
      for (const other of others) await other.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * What the engine costs per operation: the mock adapter (zero latency) called
 * through the executor — input validation, idempotency claim and settle,
 * one redacted log row, all on a real SQLite file — against calling the
 * adapter's run directly with a ready-made context.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AdapterContext } from '../../src/core/adapter.js';
import { buildContext } from '../../src/core/context.js';
import { createExecutor } from '../../src/core/executor.js';
import { AdapterRegistry } from '../../src/core/registry.js';
import type { LoadedConfig, ResolvedIntegration } from '../../src/config/types.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { testConfig } from '../support/loaded-config.js';

const SECONDS_PER_CASE = Number(process.env.BENCH_SECONDS ?? 2);

interface Case {
  operation: 'echo' | 'charge';
  payload(i: number): unknown;
}

const CASES: Case[] = [
  // safe: no idempotency claim, so validation + log write + the adapter.
  { operation: 'echo', payload: (i) => ({ i, note: 'benchmark' }) },
  // keyed: claim + settle around it, and the mock books the charge in the store.
  { operation: 'charge', payload: (i) => ({ amount: 100 + (i % 50), currency: 'KES', reference: `bench-${i}` }) },
];

/** Calls `once` for about `seconds` after a warm-up; returns operations per second. */
async function measure(seconds: number, once: (i: number) => Promise<unknown>): Promise<number> {
  let i = 0;
  for (const end = i + 200; i < end; i++) await once(i);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let n = 0;
  while (performance.now() < deadline) {
    for (let k = 0; k < 50; k++, n++) await once(i++);
  }
  return (n * 1000) / (performance.now() - started);
}

async function runWith(synchronous: 'FULL' | 'NORMAL') {
  const dir = mkdtempSync(join(tmpdir(), 'integrations-bench-'));
  const store = SqliteStore.open(join(dir, 'bench.db'), { synchronous });
  try {
    const registry = new AdapterRegistry();
    const mock = (await registry.get('mock'))!;
    const integration: ResolvedIntegration = {
      name: 'pay',
      adapter: 'mock',
      enabled: true,
      config: mock.config.parse({}) as Record<string, unknown>,
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2_000 },
      timeoutMs: 30_000,
      circuit: { consecutiveFailures: 5, windowMs: 60_000, minimumCalls: 10, cooldownMs: 30_000 },
      queueOnFailure: false,
      sensitive: [],
    };
    const config: LoadedConfig = testConfig(dir, [integration], { storePath: join(dir, 'bench.db'), file: 'integrations.config.ts' });
    const executor = createExecutor({ config, registry, store });
    const base = buildContext({
      integration,
      adapter: mock,
      store,
      clock: { now: Date.now, sleep: async () => {} },
      baseDir: dir,
      idempotencyKey: 'direct',
      correlationId: 'direct',
      signal: new AbortController().signal,
    });

    const rows = [];
    for (const c of CASES) {
      const op = mock.operations[c.operation];
      // Direct: the adapter's own work (parsed input, its own store writes), nothing of the engine.
      const direct = await measure(SECONDS_PER_CASE, (i) => op.run({ ...base, idempotencyKey: `direct-${i}` } as AdapterContext, op.input.parse(c.payload(i))));
      const prefix = randomUUID();
      const viaExecutor = await measure(SECONDS_PER_CASE, async (i) => {
        const outcome = await executor.execute('pay', c.operation, c.payload(i), { idempotencyKey: c.operation === 'charge' ? `${prefix}-${i}` : undefined });
        if (!outcome.ok || outcome.replayed) throw new Error(`benchmark call failed: ${JSON.stringify(outcome)}`);
      });
      rows.push({ operation: `${c.operation} (${op.retry})`, direct, viaExecutor });
    }
    const logs = await store.logs.count({});
    return { rows, logs };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export default async function executorBench(): Promise<void> {
  process.stdout.write(`mock adapter, zero latency, log writes on, SQLite WAL file; ~${SECONDS_PER_CASE}s per figure; node ${process.version}\n`);
  for (const synchronous of ['FULL', 'NORMAL'] as const) {
    const { rows, logs } = await runWith(synchronous);
    process.stdout.write(`\nsynchronous=${synchronous}${synchronous === 'FULL' ? ' (the default: every commit fsynced)' : ' (durable against process crashes, not power loss)'}; ${fmt(logs)} log rows written\n`);
    process.stdout.write(`${'operation'.padEnd(18)}${'direct ops/s'.padStart(15)}${'executor ops/s'.padStart(17)}${'ratio'.padStart(9)}${'µs/op added'.padStart(14)}\n`);
    for (const r of rows) {
      const added = 1e6 / r.viaExecutor - 1e6 / r.direct;
      process.stdout.write(
        `${r.operation.padEnd(18)}${fmt(r.direct).padStart(15)}${fmt(r.viaExecutor).padStart(17)}${`${(r.direct / r.viaExecutor).toFixed(1)}x`.padStart(9)}${fmt(added).padStart(14)}\n`,
      );
    }
  }
}

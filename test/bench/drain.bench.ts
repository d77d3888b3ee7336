/**
 * The drain loop against what users would otherwise pick: 10,000 jobs, each
 * one HTTP POST (with its idempotency key) to a loopback provider answering
 * after ~1 ms, 16 at a time. Ours: `queue drain` as the CLI runs it
 * (leases, executor with idempotency claim, one log row and a settled job
 * per attempt, group commit) on a SQLite file. BullMQ: a Worker on the local
 * Redis (127.0.0.1:6379) doing the same POST. Per-job latency is from the
 * job starting to its completion being recorded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { Agent, request } from 'undici';
import type { AdapterDefinition } from '../../src/core/adapter.js';
import { systemClock } from '../../src/core/clock.js';
import { deriveIdempotencyKey } from '../../src/core/executor.js';
import { AdapterRegistry } from '../../src/core/registry.js';
import type { LoadedConfig, ResolvedIntegration } from '../../src/config/types.js';
import { closeHttpAgent } from '../../src/http/client.js';
import { drain } from '../../src/queue/drain.js';
import { groupCommit } from '../../src/store/sqlite/group-commit.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { startFakeProvider, type FakeProvider } from '../e2e/queue-fake-provider.js';
import loopbackAdapter from '../e2e/queue-loopback-adapter.mjs';
import { testConfig } from '../support/loaded-config.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);
const CONCURRENCY = 16;
const REDIS = { host: '127.0.0.1', port: 6379 };

interface Figures {
  label: string;
  jobsPerSecond: number;
  p50: number;
  p99: number;
  effects: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function figures(label: string, wallMs: number, latencies: number[], provider: FakeProvider): Figures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { label, jobsPerSecond: (latencies.length * 1000) / wallMs, p50: percentile(sorted, 50), p99: percentile(sorted, 99), effects: provider.effects.size };
}

async function ours(synchronous: 'FULL' | 'NORMAL'): Promise<Figures> {
  const provider = await startFakeProvider(1);
  const dir = mkdtempSync(join(tmpdir(), 'integrations-drain-bench-'));
  const store = SqliteStore.open(join(dir, 'bench.db'), { synchronous });
  try {
    const registry = new AdapterRegistry();
    registry.register(loopbackAdapter as unknown as AdapterDefinition);
    const integration: ResolvedIntegration = {
      name: 'pay',
      adapter: 'loopback-pay',
      enabled: true,
      config: { baseUrl: provider.url },
      retry: { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 1_000 },
      timeoutMs: 30_000,
      circuit: { consecutiveFailures: 5, windowMs: 60_000, minimumCalls: 10, cooldownMs: 30_000 },
      queueOnFailure: false,
      sensitive: [],
    };
    const config: LoadedConfig = testConfig(dir, [integration], { storePath: join(dir, 'bench.db') });
    const now = Date.now();
    for (let i = 0; i < JOBS; i++) {
      const payload = { reference: `order-${i}`, amount: 100 + (i % 50) };
      await store.queue.enqueue({
        integration: 'pay', operation: 'charge', payload: JSON.stringify(payload), tenant: null, idempotencyKey: deriveIdempotencyKey('pay', 'charge', payload),
        correlationId: null, origin: 'enqueue', priority: 0, runAt: now, maxAttempts: 5, now,
      });
    }
    const latencies: number[] = [];
    const started = performance.now();
    const summary = await drain(
      { config, registry, store: groupCommit(store), clock: systemClock },
      { concurrency: CONCURRENCY, onJob: (r) => latencies.push(r.durationMs) },
    );
    const wall = performance.now() - started;
    if (summary.succeeded !== JOBS) throw new Error(`drain finished ${summary.succeeded} of ${JOBS}: ${JSON.stringify(summary)}`);
    return figures(`integrations queue drain (SQLite synchronous=${synchronous})`, wall, latencies, provider);
  } finally {
    await store.close();
    await closeHttpAgent();
    await provider.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function bullmq(): Promise<Figures> {
  const provider = await startFakeProvider(1);
  const name = `integrations-bench-${process.pid}`;
  const queue = new Queue(name, { connection: REDIS });
  const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 });
  const url = `${provider.url}/charges`;
  try {
    await queue.obliterate({ force: true });
    for (let i = 0; i < JOBS; i += 1_000) {
      await queue.addBulk(
        Array.from({ length: Math.min(1_000, JOBS - i) }, (_, k) => {
          const payload = { reference: `order-${i + k}`, amount: 100 + ((i + k) % 50) };
          return { name: 'charge', data: { payload, key: deriveIdempotencyKey('pay', 'charge', payload) }, opts: { attempts: 5 } };
        }),
      );
    }
    const startedAt = new Map<string, number>();
    const latencies: number[] = [];
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const started = performance.now();
    const worker = new Worker(
      name,
      async (job) => {
        startedAt.set(job.id as string, performance.now());
        const res = await request(url, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json', 'idempotency-key': job.data.key as string },
          body: JSON.stringify(job.data.payload),
        });
        const body = (await res.body.json()) as { id: string; status: string };
        if (res.statusCode !== 200) throw new Error(`provider answered ${res.statusCode}`);
        return body;
      },
      { connection: REDIS, concurrency: CONCURRENCY },
    );
    worker.on('completed', (job) => {
      latencies.push(performance.now() - (startedAt.get(job.id as string) ?? performance.now()));
      if (latencies.length === JOBS) resolveDone();
    });
    worker.on('failed', (job, err) => process.stderr.write(`bullmq job ${job?.id} failed: ${err.message}\n`));
    await done;
    const wall = performance.now() - started;
    await worker.close();
    return figures('BullMQ Worker (Redis)', wall, latencies, provider);
  } finally {
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    await agent.close();
    await provider.close();
  }
}

/** The local Redis's durability setting, for reading the comparison honestly (one inline command, no client library). */
async function redisConfig(name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(REDIS.port, REDIS.host, () => socket.write(`CONFIG GET ${name}\r\n`));
    let reply = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      reply += chunk;
      const lines = reply.split('\r\n');
      if (lines.length >= 5) {
        socket.end();
        resolve(lines[4]);
      }
    });
    socket.on('error', reject);
  });
}

async function redisPersistence(): Promise<string> {
  const appendonly = await redisConfig('appendonly');
  return appendonly === 'yes' ? `AOF on, appendfsync ${await redisConfig('appendfsync')}` : 'AOF off, RDB snapshots only (nothing fsynced per job)';
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export default async function drainBench(): Promise<void> {
  process.stdout.write(`${fmt(JOBS)} jobs, one HTTP POST each to a loopback provider (~1 ms), concurrency ${CONCURRENCY}; node ${process.version}\n`);
  process.stdout.write(`Redis persistence: ${await redisPersistence()}\n`);
  const rows = [await ours('FULL'), await ours('NORMAL'), await bullmq()];
  process.stdout.write(`\n${'runner'.padEnd(52)}${'jobs/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'effects'.padStart(9)}\n`);
  for (const r of rows) {
    process.stdout.write(`${r.label.padEnd(52)}${fmt(r.jobsPerSecond).padStart(9)}${fmt(r.p50, 2).padStart(9)}${fmt(r.p99, 2).padStart(9)}${fmt(r.effects).padStart(9)}\n`);
  }
  const [full, normal, bull] = rows;
  process.stdout.write(
    `\nours/BullMQ throughput: ${(full.jobsPerSecond / bull.jobsPerSecond).toFixed(2)} (default, every commit fsynced), ${(normal.jobsPerSecond / bull.jobsPerSecond).toFixed(2)} (synchronous=NORMAL)\n` +
      `ours/BullMQ p99: ${(full.p99 / bull.p99).toFixed(2)} (default), ${(normal.p99 / bull.p99).toFixed(2)} (NORMAL)\n`,
  );
}

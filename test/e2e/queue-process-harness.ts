/**
 * Real-process queue tests: a project on a temporary SQLite file whose
 * `pay` integration charges through the loopback provider, jobs seeded
 * straight into the store, and the built CLI's `queue drain` as a child.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deriveIdempotencyKey } from '../../src/core/executor.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { adapterPackage, BIN, tempProject, writeJsonConfig } from './cli-harness.js';
import type { FakeProvider } from './queue-fake-provider.js';

const ADAPTER = fileURLToPath(new URL('./queue-loopback-adapter.mjs', import.meta.url));

export interface Project {
  dir: string;
  config: string;
  db: string;
}

export function project(provider: FakeProvider, pay: Record<string, unknown> = {}): Project {
  const dir = tempProject('integrations-queue-proc-');
  const db = join(dir, 'store.db');
  const config = writeJsonConfig(dir, {
    adapters: [adapterPackage(dir, 'queue-loopback-adapter', ADAPTER)],
    store: { path: db },
    integrations: { pay: { adapter: 'loopback-pay', config: { baseUrl: provider.url }, timeoutMs: 30_000, retry: { maxAttempts: 1 }, ...pay } },
  });
  return { dir, config, db };
}

/** Enqueues straight into the store, each job with the key `run --queue` would derive. */
export async function seed(db: string, count: number): Promise<Map<number, string>> {
  const store = SqliteStore.open(db);
  const keys = new Map<number, string>();
  const now = Date.now();
  try {
    for (let i = 0; i < count; i++) {
      const payload = { reference: `order-${i}`, amount: 100 + i };
      const idempotencyKey = deriveIdempotencyKey('pay', 'charge', payload);
      const { job } = await store.queue.enqueue({
        integration: 'pay', operation: 'charge', payload: JSON.stringify(payload), tenant: null, idempotencyKey,
        correlationId: null, origin: 'enqueue', priority: 0, runAt: now, maxAttempts: 5, now,
      });
      keys.set(job.id, idempotencyKey);
    }
  } finally {
    await store.close();
  }
  return keys;
}

export interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Child {
  child: ChildProcess;
  done: Promise<Exited>;
}

/** `integrations --config <config> <args>` as a child process. */
export function startCli(p: Project, args: string[]): Child {
  const child = spawn(process.execPath, [BIN, '--config', p.config, ...args], {
    cwd: p.dir,
    env: { PATH: process.env.PATH ?? '', HOME: p.dir, LANG: 'C.UTF-8' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<Exited>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function startDrain(p: Project, concurrency = 8): Child {
  return startCli(p, ['queue', 'drain', '--concurrency', String(concurrency), '--json']);
}

/** Polls a condition on real time: for watching another process, never for logic under test. */
export async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function finalState(db: string) {
  const store = SqliteStore.open(db);
  try {
    const jobs = await store.queue.list({ limit: 10_000 });
    const abandoned = new Set<number>();
    const attempts = new Map<number, number>();
    const owners = new Map<number, Set<string>>();
    for (const job of jobs) {
      const history = await store.queue.attempts(job.id);
      attempts.set(job.id, history.length);
      owners.set(job.id, new Set(history.map((a) => a.owner)));
      if (history.some((a) => a.outcome === 'abandoned')) abandoned.add(job.id);
    }
    return { jobs, abandoned, attempts, owners, circuits: await store.circuits.list() };
  } finally {
    await store.close();
  }
}

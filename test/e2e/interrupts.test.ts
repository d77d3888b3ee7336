/**
 * Interruptions as a user makes them, on the built CLI: Ctrl-C at a
 * terminal during `run` and at an `init` prompt, the drain's first and
 * second Ctrl-C (real SIGINTs), and `demo | head -1`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deriveIdempotencyKey } from '../../src/core/executor.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { assertBuilt, BIN, cli, parseJson, tempProject, writeJsonConfig } from './cli-harness.js';
import { startFakeProvider, type FakeProvider } from './queue-fake-provider.js';
import { finalState, project as queueProject, seed, until, type Project } from './queue-process-harness.js';
import { hasScript, onTerminal } from './terminal-harness.js';

const dirs: string[] = [];
const providers: FakeProvider[] = [];
beforeAll(() => assertBuilt());
afterEach(async () => {
  for (const p of providers.splice(0)) await p.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!hasScript)('Ctrl-C at a terminal', () => {
  it('run: the status line says what it waits for; Ctrl-C exits 130 and the log row says INTERRUPTED, not SERVER_ERROR', async () => {
    const dir = tempProject();
    dirs.push(dir);
    writeJsonConfig(dir, { store: { path: 'store.db' }, integrations: { pay: { adapter: 'mock', config: { latencyMs: 600_000 } } } });
    const run = onTerminal(['run', 'pay', 'charge', '--payload', '{"amount": 100, "currency": "KES", "reference": "o-1"}'], { cwd: dir });
    await run.waitFor(/pay charge: waiting for the provider's answer \(attempt 1\/3/);
    run.type('\x03');
    const { code, output } = await run.done;
    expect(code, output).toBe(130);
    expect(output).not.toContain('bug');
    const logs = (await cli(['logs', 'tail', '--json'], { cwd: dir })).stdout.trim().split('\n').map((l) => parseJson<{ status: string; errorCategory: string; errorMessage: string }>(l));
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ status: 'failed', errorCategory: 'INTERRUPTED' });
    expect(logs[0].errorMessage).toMatch(/interrupted \(received SIGINT\)/);
  });

  it('init: Ctrl-C at the first prompt exits 130, writes nothing, and is not "a bug"', async () => {
    const dir = tempProject();
    dirs.push(dir);
    const init = onTerminal(['init', '--dir', 'fresh'], { cwd: dir });
    await init.waitFor(/Store file/);
    init.type('\x03');
    const { code, output } = await init.done;
    expect(code, output).toBe(130);
    expect(output).toContain('init cancelled at the prompt; nothing was written');
    expect(output).not.toMatch(/bug|ExitPromptError/);
    expect(readdirSync(dir)).not.toContain('fresh');
  });
});

interface Drain {
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  stderrMatches(pattern: RegExp): boolean;
  signal(): void;
}

function startDrain(p: Project, args: string[]): Drain {
  const child = spawn(process.execPath, [BIN, '--config', p.config, 'queue', 'drain', ...args], { cwd: p.dir, env: { PATH: process.env.PATH ?? '', HOME: p.dir, LANG: 'C.UTF-8' } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return {
    done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))),
    stderrMatches: (pattern) => pattern.test(stderr),
    signal: () => void child.kill('SIGINT'),
  };
}

async function seedSend(db: string, reference: string): Promise<number> {
  const store = SqliteStore.open(db);
  try {
    const payload = { reference };
    const now = Date.now();
    const { job } = await store.queue.enqueue({
      integration: 'pay', operation: 'send', payload: JSON.stringify(payload), tenant: null, idempotencyKey: deriveIdempotencyKey('pay', 'send', payload),
      correlationId: null, origin: 'enqueue', priority: 5, runAt: now, maxAttempts: 5, now,
    });
    return job.id;
  } finally {
    await store.close();
  }
}

describe('queue drain and Ctrl-C', () => {
  it('the first Ctrl-C says how many jobs are in flight, finishes them, gives back the rest and exits 0', async () => {
    const provider = await startFakeProvider(2_000);
    providers.push(provider);
    const p = queueProject(provider);
    dirs.push(p.dir);
    await seed(p.db, 6);
    const drain = startDrain(p, ['--concurrency', '2']);
    await until(() => provider.total() >= 2, 'two calls in flight');
    drain.signal();
    const result = await drain.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('finishing 2 in-flight jobs (Ctrl-C again to stop now; they will be retried)');
    const { jobs } = await finalState(p.db);
    expect(jobs.filter((j) => j.status === 'succeeded')).toHaveLength(2);
    expect(jobs.filter((j) => j.status === 'pending').every((j) => j.attempts === 0 && j.leaseOwner === null)).toBe(true);
  });

  it('the second Ctrl-C gives the leases back (an unsafe call in flight becomes unknown) and exits 130; the next drain runs them at once', async () => {
    const stalled = await startFakeProvider(600_000);
    providers.push(stalled);
    const p = queueProject(stalled);
    dirs.push(p.dir);
    const sendId = await seedSend(p.db, 'stall-1');
    await seed(p.db, 4);
    const drain = startDrain(p, ['--concurrency', '4']);
    await until(() => stalled.total() >= 3 && stalled.messages.size === 1, 'four calls in flight');
    drain.signal();
    await until(() => drain.stderrMatches(/finishing 4 in-flight jobs/), 'the first Ctrl-C to be acknowledged');
    drain.signal();
    const result = await drain.done;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain('queue drain: stopped now; 4 jobs back in the queue, due now; 1 unknown');

    const { jobs, abandoned } = await finalState(p.db);
    expect(jobs.find((j) => j.id === sendId)).toMatchObject({ status: 'unknown', leaseOwner: null, lastErrorCategory: 'OUTCOME_UNKNOWN' });
    const charges = jobs.filter((j) => j.id !== sendId);
    // Nothing is left leased, and nothing had to be taken over as abandoned.
    expect(charges.map((j) => [j.status, j.leaseOwner])).toEqual(Array(4).fill(['pending', null]));
    expect(abandoned.size).toBe(0);
    expect(charges.map((j) => j.attempts).sort()).toEqual([0, 1, 1, 1]);
    expect(charges.every((j) => j.runAt <= Date.now())).toBe(true);

    // The provider is back; the next drain (on another machine it could not take over dead leases) finds them due.
    const healthy = await startFakeProvider(1);
    providers.push(healthy);
    const config = JSON.parse(readFileSync(p.config, 'utf8')) as { integrations: { pay: { config: { baseUrl: string } } } };
    config.integrations.pay.config.baseUrl = healthy.url;
    writeFileSync(p.config, JSON.stringify(config));
    const next = startDrain(p, ['--json']);
    const after = await next.done;
    expect(after.code, after.stderr).toBe(0);
    expect(parseJson(after.stdout)).toMatchObject({ claimed: 4, succeeded: 4, unknown: 0 });
    // Re-sent with the jobs' own keys.
    expect(new Set(healthy.requests.keys())).toEqual(new Set(charges.map((j) => j.idempotencyKey)));
  });
});

describe('demo | head -1', () => {
  it('when stdout closes early the demo still stops what it started and removes its temporary folder', async () => {
    const dir = tempProject('integrations-demo-pipe-');
    dirs.push(dir);
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const child = spawn(process.execPath, [BIN, 'demo'], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir, LANG: 'C.UTF-8', TMPDIR: tmp } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // As `head -1` does: read the first line, then close the pipe.
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        seen += d;
        if (seen.includes('\n')) {
          child.stdout.destroy();
          resolve();
        }
      });
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
  });
});

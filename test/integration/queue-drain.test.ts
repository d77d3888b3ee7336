import { afterEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/core/errors.js';
import { drain, type DrainDeps, type DrainOptions } from '../../src/queue/drain.js';
import { enqueueOperation } from '../../src/queue/enqueue.js';
import { StoreError } from '../../src/store/errors.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { integration, makeBench, scriptedRandom, type Bench } from './queue-fixture.js';

let bench: Bench;
afterEach(async () => bench?.close());

function deps(extra: Partial<DrainDeps> = {}): DrainDeps {
  return { config: bench.config, registry: bench.registry, store: bench.store, clock: bench.clock, random: scriptedRandom(0.5), owner: 'drain-a', isOwnerDead: () => false, ...extra };
}

async function enqueue(operation: string, reference: string, extra: Record<string, unknown> = {}, integrationName = 'pay') {
  const { job } = await enqueueOperation(
    { config: bench.config, registry: bench.registry, store: bench.store, clock: bench.clock },
    { integration: integrationName, operation, payload: { reference, ...extra } },
  );
  return job;
}

const run = (options: DrainOptions = {}, extra: Partial<DrainDeps> = {}) => drain(deps(extra), { concurrency: 1, ...options });

describe('queue drain', () => {
  it('runs due jobs through the executor with the key each job was given at enqueue', async () => {
    bench = makeBench();
    const a = await enqueue('charge', 'order-1', { card: { number: '4242424242424242' } });
    const b = await enqueue('lookup', 'order-2');
    const summary = await run({ concurrency: 4 });
    expect(summary).toMatchObject({ claimed: 2, succeeded: 2, retried: 0, dead: 0, unknown: 0, skipped: 0, stoppedBy: 'empty' });
    expect(bench.provider.calls.map((c) => c.idempotencyKey).sort()).toEqual([a.idempotencyKey, b.idempotencyKey].sort());
    const done = await bench.store.queue.get(a.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1, leaseOwner: null });
    expect(done?.logId).not.toBeNull();
    const log = await bench.store.logs.get(done?.logId as number);
    expect(log?.idempotencyKey).toBe(a.idempotencyKey);
    expect(log?.request).not.toContain('4242424242424242');
  });

  it('holds 16 calls in flight on one signal without a listener-leak warning (each call removes its listener)', async () => {
    bench = makeBench();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      let release = () => {};
      const allInFlight = new Promise<void>((resolve) => (release = resolve));
      let inFlight = 0;
      for (let i = 0; i < 16; i++) {
        bench.provider.script('charge', {
          run: async () => {
            if (++inFlight === 16) release();
            await allInFlight;
            return { status: 'succeeded' };
          },
        });
        await enqueue('charge', `order-${i}`);
      }
      expect(await run({ concurrency: 16, signal: new AbortController().signal })).toMatchObject({ claimed: 16, succeeded: 16 });
      // Node emits the warning on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('reschedules a transient failure with full-jitter backoff, keeps the key, and goes dead after max attempts', async () => {
    bench = makeBench([integration('pay', { queue: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000 } })]);
    const job = await enqueue('charge', 'order-1');
    const t0 = bench.clock.now();
    const outage = () => new IntegrationError('SERVER_ERROR', 'provider answered 503', { provider: { status: 503 } });
    bench.provider.script('charge', outage(), outage(), outage());

    // Attempt 1 fails: due again at random (0.5) x ceiling (1 s).
    expect(await run({}, { random: scriptedRandom(0.5) })).toMatchObject({ claimed: 1, retried: 1, dead: 0 });
    expect(await bench.store.queue.get(job.id)).toMatchObject({ status: 'pending', attempts: 1, runAt: t0 + 500, lastErrorCategory: 'SERVER_ERROR' });
    // Not due yet: nothing runs.
    expect(await run()).toMatchObject({ claimed: 0 });

    // Attempt 2: the ceiling doubles to 2 s; random 0.25 gives 500 ms.
    bench.clock.advance(500);
    await run({}, { random: scriptedRandom(0.25) });
    expect(await bench.store.queue.get(job.id)).toMatchObject({ status: 'pending', attempts: 2, runAt: t0 + 1_000 });

    bench.clock.advance(500);
    const last = await run();
    expect(last).toMatchObject({ claimed: 1, dead: 1 });
    const dead = await bench.store.queue.get(job.id);
    expect(dead).toMatchObject({ status: 'dead', attempts: 3, lastErrorCategory: 'SERVER_ERROR' });
    expect(dead?.lastError).toMatch(/gave up after 3 attempts: provider answered 503/);
    expect(new Set(bench.provider.callsOf('charge').map((c) => c.idempotencyKey))).toEqual(new Set([job.idempotencyKey]));
    expect((await bench.store.queue.attempts(job.id)).map((a) => [a.outcome, a.errorCategory])).toEqual([
      ['retry', 'SERVER_ERROR'],
      ['retry', 'SERVER_ERROR'],
      ['dead', 'SERVER_ERROR'],
    ]);
  });

  it('kills a job at once on a permanent failure, keeping the error', async () => {
    bench = makeBench();
    const job = await enqueue('charge', 'order-1');
    bench.provider.script('charge', new IntegrationError('INVALID_REQUEST', 'card declined', { provider: { status: 402, code: 'card_declined' } }));
    expect(await run()).toMatchObject({ claimed: 1, dead: 1, retried: 0 });
    expect(await bench.store.queue.get(job.id)).toMatchObject({ status: 'dead', attempts: 1, lastErrorCategory: 'INVALID_REQUEST', lastError: 'card declined' });
    bench.clock.advance(3_600_000);
    expect(await run()).toMatchObject({ claimed: 0 });
    expect(bench.provider.callsOf('charge')).toHaveLength(1);
  });

  it('marks an unsafe operation that timed out unknown and never sends it again', async () => {
    bench = makeBench();
    const job = await enqueue('send', 'sms-1');
    bench.provider.script('send', new IntegrationError('TIMEOUT', 'no answer in 5000 ms', { requestSent: true }));
    expect(await run()).toMatchObject({ claimed: 1, unknown: 1, dead: 0, retried: 0 });
    expect(await bench.store.queue.get(job.id)).toMatchObject({ status: 'unknown', lastErrorCategory: 'OUTCOME_UNKNOWN' });
    bench.clock.advance(86_400_000);
    expect(await run()).toMatchObject({ claimed: 0 });
    expect(bench.provider.callsOf('send')).toHaveLength(1);
    // Retrying it by hand is refused too: it must be reconciled.
    expect((await bench.store.queue.retry([job.id], bench.clock.now())).refused[0]?.reason).toMatch(/reconcile/);
  });

  it('honours Retry-After: the job waits that long and the integration is paused for every process', async () => {
    bench = makeBench();
    const first = await enqueue('charge', 'order-1');
    const second = await enqueue('charge', 'order-2');
    const t0 = bench.clock.now();
    bench.provider.script('charge', new IntegrationError('RATE_LIMITED', 'slow down', { retryAfterMs: 120_000, provider: { status: 429 } }));
    const summary = await run();
    expect(summary).toMatchObject({ claimed: 1, retried: 1, skipped: 1 });
    expect(await bench.store.queue.get(first.id)).toMatchObject({ status: 'pending', runAt: t0 + 120_000, attempts: 1 });
    expect(await bench.store.queue.get(second.id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await bench.openAnother().circuits.get('pay'))?.pausedUntil).toBe(t0 + 120_000);

    // `run` in another process fails fast without calling the provider.
    const outcome = await bench.runExecutor().execute('pay', 'lookup', { reference: 'x' });
    expect(outcome).toMatchObject({ ok: false, error: { category: 'RATE_LIMITED' } });
    expect(bench.provider.callsOf('lookup')).toHaveLength(0);

    bench.clock.advance(120_000);
    expect(await run({ concurrency: 2 })).toMatchObject({ claimed: 2, succeeded: 2 });
  });

  it('opens the circuit after the configured failures, skips jobs while open without spending attempts, half-opens after the cool-down and closes on success', async () => {
    bench = makeBench([integration('pay', { circuit: { consecutiveFailures: 3, windowMs: 60_000, minimumCalls: 10, cooldownMs: 30_000 } })]);
    const jobs = [];
    for (let i = 0; i < 6; i++) jobs.push(await enqueue('charge', `order-${i}`));
    const down = () => new IntegrationError('NETWORK_ERROR', 'connection reset', { requestSent: true });
    bench.provider.script('charge', down(), down(), down());

    const first = await run();
    expect(first).toMatchObject({ claimed: 3, retried: 3, skipped: 3 });
    expect(bench.provider.callsOf('charge')).toHaveLength(3);
    expect(await bench.store.circuits.get('pay')).toMatchObject({ state: 'open', openUntil: bench.clock.now() + 30_000 });
    for (const job of jobs.slice(3)) expect(await bench.store.queue.get(job.id)).toMatchObject({ status: 'pending', attempts: 0 });

    // Open: `run` fails fast, no call; the drain skips the integration's due jobs.
    const fast = await bench.runExecutor().execute('pay', 'lookup', { reference: 'y' });
    expect(fast).toMatchObject({ ok: false, error: { category: 'CIRCUIT_OPEN' } });
    bench.clock.advance(20_000);
    // All six are due (the one given back kept its place); none is attempted.
    expect(await run()).toMatchObject({ claimed: 0, skipped: 6 });
    expect(bench.provider.calls).toHaveLength(3);

    // Cool-down over: one trial call; it succeeds and the circuit closes; the rest follow.
    bench.clock.advance(10_000);
    const after = await run({ concurrency: 4 });
    expect(after).toMatchObject({ claimed: 6, succeeded: 6 });
    expect(await bench.store.circuits.get('pay')).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('a failed trial re-opens the circuit for another cool-down', async () => {
    bench = makeBench([integration('pay', { circuit: { consecutiveFailures: 1, windowMs: 60_000, minimumCalls: 10, cooldownMs: 10_000 } })]);
    await enqueue('charge', 'a');
    await enqueue('charge', 'b');
    const down = () => new IntegrationError('SERVER_ERROR', '502 bad gateway');
    bench.provider.script('charge', down(), down());
    await run();
    bench.clock.advance(10_000);
    expect(await run({ concurrency: 4 })).toMatchObject({ claimed: 1, retried: 1 });
    expect(await bench.store.circuits.get('pay')).toMatchObject({ state: 'open', openUntil: bench.clock.now() + 10_000 });
    expect(bench.provider.calls).toHaveLength(2);
  });

  it('recovers a job whose drain died mid-call: same key again for a keyed operation, unknown for an unsafe one', async () => {
    bench = makeBench();
    const keyed = await enqueue('charge', 'order-1');
    const unsafe = await enqueue('send', 'sms-1');
    const crashed = 'host/4242/abcdef/1';
    const now = bench.clock.now();
    // The crashed drain had leased both and claimed their idempotency keys, then vanished.
    await bench.store.queue.claim({ owner: crashed, now, leaseMs: 600_000, limit: 2 });
    for (const job of [keyed, unsafe]) {
      await bench.store.idempotency.claim({ key: job.idempotencyKey, integration: 'pay', operation: job.operation, owner: crashed, now, staleAt: now + 3_600_000, expiresAt: now + 86_400_000 });
    }
    // While its leases run and its death cannot be proved, nothing happens.
    expect(await run()).toMatchObject({ claimed: 0 });

    const summary = await run({ concurrency: 2 }, { isOwnerDead: (owner) => owner === crashed });
    expect(summary).toMatchObject({ claimed: 2, succeeded: 1, unknown: 1 });
    expect(bench.provider.callsOf('charge').map((c) => c.idempotencyKey)).toEqual([keyed.idempotencyKey]);
    expect(bench.provider.callsOf('send')).toHaveLength(0);
    expect(await bench.store.queue.get(unsafe.id)).toMatchObject({ status: 'unknown' });
    expect((await bench.store.idempotency.get(unsafe.idempotencyKey))?.state).toBe('unknown');
    expect((await bench.store.queue.attempts(keyed.id)).map((a) => a.outcome)).toEqual(['abandoned', 'succeeded']);
  });

  it('after lease expiry, a key still claimed by a holder not provably dead waits for the claim to go stale', async () => {
    bench = makeBench();
    const job = await enqueue('charge', 'order-1');
    const now = bench.clock.now();
    await bench.store.queue.claim({ owner: 'elsewhere/1/x/9', now, leaseMs: 60_000, limit: 1 });
    await bench.store.idempotency.claim({ key: job.idempotencyKey, integration: 'pay', operation: 'charge', owner: 'elsewhere/1/x/9', now, staleAt: now + 200_000, expiresAt: now + 86_400_000 });
    bench.clock.advance(60_000);
    expect(await run()).toMatchObject({ claimed: 0, skipped: 1, succeeded: 0 });
    // Given back without spending an attempt (the abandoned one counts).
    expect(await bench.store.queue.get(job.id)).toMatchObject({ status: 'pending', attempts: 1, runAt: now + 200_000 });
    expect(bench.provider.calls).toHaveLength(0);
    bench.clock.set(now + 200_000);
    expect(await run()).toMatchObject({ succeeded: 1 });
    expect(bench.provider.callsOf('charge').map((c) => c.idempotencyKey)).toEqual([job.idempotencyKey]);
  });

  it('bounds concurrency overall and per integration', async () => {
    bench = makeBench([integration('pay'), integration('sms')]);
    let running = 0;
    let peak = 0;
    const perIntegration: Record<string, number> = {};
    const peakPer: Record<string, number> = {};
    const slow = (name: string) => ({
      run: async () => {
        running++;
        perIntegration[name] = (perIntegration[name] ?? 0) + 1;
        peak = Math.max(peak, running);
        peakPer[name] = Math.max(peakPer[name] ?? 0, perIntegration[name]);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        perIntegration[name]--;
        return { ok: true };
      },
    });
    for (let i = 0; i < 12; i++) {
      const name = i % 2 ? 'pay' : 'sms';
      bench.provider.script('lookup', slow(name));
      await enqueue('lookup', `r-${i}`, {}, name);
    }
    // Jobs run in claim order; the script hands out the slow steps in the same order.
    const summary = await run({ concurrency: 4, perIntegration: 1 });
    expect(summary).toMatchObject({ claimed: 12, succeeded: 12 });
    expect(peak).toBeLessThanOrEqual(2);
    expect(peakPer).toEqual({ pay: 1, sms: 1 });

    for (let i = 0; i < 12; i++) {
      bench.provider.script('lookup', slow('pay'));
      await enqueue('lookup', `s-${i}`);
    }
    peak = 0;
    await run({ concurrency: 3 });
    expect(peak).toBe(3);
  });

  it('--limit runs exactly that many jobs', async () => {
    bench = makeBench();
    for (let i = 0; i < 10; i++) await enqueue('lookup', `r-${i}`);
    expect(await run({ limit: 4, concurrency: 3 })).toMatchObject({ claimed: 4, succeeded: 4, skipped: 0, stoppedBy: 'limit' });
    expect(bench.provider.calls).toHaveLength(4);
    expect(await bench.store.queue.countDue(bench.clock.now())).toBe(6);
  });

  it('--max-time stops claiming; in-flight jobs finish and the rest stay due', async () => {
    bench = makeBench();
    for (let i = 0; i < 5; i++) {
      // Each call takes 20 s of virtual time.
      bench.provider.script('lookup', { run: async (ctx) => (await ctx.clock.sleep(20_000), { ok: true }) });
      await enqueue('lookup', `r-${i}`);
    }
    const summary = await run({ maxTimeMs: 45_000, concurrency: 1 });
    expect(summary).toMatchObject({ succeeded: 3, stoppedBy: 'max-time' });
    expect(await bench.store.queue.countDue(bench.clock.now())).toBe(2);
    expect((await bench.store.queue.list({ status: 'leased' })).length).toBe(0);
  });

  it('on a signal stops claiming, gives back what has not started and finishes what has', async () => {
    bench = makeBench();
    const controller = new AbortController();
    bench.provider.script('lookup', {
      run: async () => {
        controller.abort(new Error('SIGTERM'));
        return { ok: true };
      },
    });
    for (let i = 0; i < 6; i++) await enqueue('lookup', `r-${i}`);
    const summary = await run({ concurrency: 1, signal: controller.signal });
    expect(summary).toMatchObject({ succeeded: 1, stoppedBy: 'signal' });
    expect(summary.skipped).toBeGreaterThan(0);
    expect(bench.provider.calls).toHaveLength(1);
    expect((await bench.store.queue.list({ status: 'leased' })).length).toBe(0);
    expect(await bench.store.queue.countDue(bench.clock.now())).toBe(5);
    for (const job of await bench.store.queue.list({ status: 'pending' })) expect(job.attempts).toBe(0);
  });

  it('waits for rate-limit tokens instead of failing', async () => {
    bench = makeBench([integration('pay', { rateLimit: { perSecond: 2, burst: 1 } })]);
    for (let i = 0; i < 4; i++) await enqueue('lookup', `r-${i}`);
    // One at a time so virtual time reads as a timeline.
    const summary = await run({ concurrency: 1 });
    expect(summary).toMatchObject({ succeeded: 4, dead: 0, retried: 0 });
    expect(bench.clock.sleeps).toEqual([500, 500, 500]);
    const times = bench.provider.calls.map((c) => c.at);
    expect(times.map((t) => t - times[0])).toEqual([0, 500, 1_000, 1_500]);
  });

  it('skips jobs of a disabled integration and dead-letters jobs of one that is no longer configured', async () => {
    bench = makeBench([integration('pay', { enabled: false })]);
    const parked = await enqueue('lookup', 'r-1');
    const orphan = (
      await bench.store.queue.enqueue({
        integration: 'gone',
        operation: 'charge',
        payload: '{}',
        tenant: null,
        idempotencyKey: 'orphan',
        correlationId: null,
        origin: 'enqueue',
        priority: 0,
        runAt: bench.clock.now(),
        maxAttempts: 3,
        now: bench.clock.now(),
      })
    ).job;
    const summary = await run();
    expect(summary).toMatchObject({ claimed: 1, dead: 1, skipped: 1 });
    expect(await bench.store.queue.get(parked.id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await bench.store.queue.get(orphan.id)).toMatchObject({ status: 'dead', lastErrorCategory: 'CONFIG_INVALID' });
  });

  it('reports a store that stays locked as a store failure', async () => {
    bench = makeBench();
    await enqueue('lookup', 'r-1');
    const impatient = SqliteStore.open(bench.dbPath, { busyTimeoutMs: 50 });
    const locker = bench.openAnother();
    locker.db.prepare('BEGIN IMMEDIATE').run();
    try {
      const summary = await drain({ ...deps(), store: impatient }, {});
      expect(summary.stoppedBy).toBe('store-error');
      expect(summary.failure).toBeInstanceOf(StoreError);
      expect((summary.failure as StoreError).code).toBe('STORE_LOCKED');
    } finally {
      locker.db.prepare('ROLLBACK').run();
      await impatient.close();
    }
  });
});

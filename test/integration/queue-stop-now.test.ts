/**
 * The drain's two Ctrl-Cs, in-process: the first says how many jobs are in
 * flight and lets them finish; the second gives every lease back before the
 * drain returns, by the rule the lease takeover applies to a dead drain.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AdapterContext } from '../../src/core/adapter.js';
import { drain, type DrainDeps } from '../../src/queue/drain.js';
import { enqueueOperation } from '../../src/queue/enqueue.js';
import { makeBench, type Bench } from './queue-fixture.js';

let bench: Bench;
afterEach(async () => bench?.close());

function deps(owner = 'drain-a'): DrainDeps {
  return { config: bench.config, registry: bench.registry, store: bench.store, clock: bench.clock, owner, isOwnerDead: () => false };
}

async function enqueue(operation: string, reference: string) {
  const { job } = await enqueueOperation({ config: bench.config, registry: bench.registry, store: bench.store, clock: bench.clock }, { integration: 'pay', operation, payload: { reference } });
  return job;
}

/** Calls that hang until released (and ignore their abort signal, as a careless adapter would). */
function gate() {
  let count = 0;
  let notify: () => void = () => {};
  const answers: (() => void)[] = [];
  return {
    step: {
      run: (_ctx: AdapterContext) =>
        new Promise<unknown>((resolve) => {
          count++;
          answers.push(() => resolve({ id: `done-${count}`, status: 'succeeded' }));
          notify();
        }),
    },
    async inFlight(n: number) {
      while (count < n) await new Promise<void>((resolve) => (notify = resolve));
    },
    releaseAll() {
      for (const answer of answers.splice(0)) answer();
    },
  };
}

describe('queue drain stopped by signals', () => {
  it('first signal: reports the jobs in flight, finishes them, gives back the rest unattempted', async () => {
    bench = makeBench();
    const calls = gate();
    for (let i = 0; i < 2; i++) bench.provider.script('charge', calls.step);
    const jobs = [await enqueue('charge', 'c-1'), await enqueue('charge', 'c-2'), await enqueue('charge', 'c-3')];
    const first = new AbortController();
    const stopping: number[] = [];
    const running = drain(deps(), { concurrency: 2, signal: first.signal, onStopping: (n) => stopping.push(n) });
    await calls.inFlight(2);
    first.abort(new Error('received SIGINT'));
    calls.releaseAll();
    const summary = await running;
    expect(stopping).toEqual([2]);
    expect(summary).toMatchObject({ succeeded: 2, stoppedBy: 'signal' });
    expect(await bench.store.queue.get(jobs[2].id)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('second signal: leases given back at once; keyed calls due now with the attempt counted, an unsafe call unknown, unstarted jobs unattempted', async () => {
    bench = makeBench();
    const calls = gate();
    for (let i = 0; i < 2; i++) bench.provider.script('charge', calls.step);
    bench.provider.script('send', calls.step);
    const send = await enqueue('send', 's-1');
    const charges = [await enqueue('charge', 'c-1'), await enqueue('charge', 'c-2'), await enqueue('charge', 'c-3')];
    const first = new AbortController();
    const now = new AbortController();
    const running = drain(deps(), { concurrency: 3, signal: first.signal, stopNow: now.signal });
    await calls.inFlight(3);
    first.abort(new Error('received SIGINT'));
    now.abort(new Error('received SIGINT again'));
    const summary = await running;

    expect(summary.stoppedBy).toBe('stop-now');
    expect(summary.givenBack).toEqual({ requeued: 3, unknown: 1 });
    const t = bench.clock.now();
    expect(await bench.store.queue.get(send.id)).toMatchObject({ status: 'unknown', leaseOwner: null, lastErrorCategory: 'OUTCOME_UNKNOWN' });
    expect((await bench.store.idempotency.get(send.idempotencyKey))?.state).toBe('unknown');
    for (const job of charges.slice(0, 2)) {
      expect(await bench.store.queue.get(job.id)).toMatchObject({ status: 'pending', leaseOwner: null, attempts: 1, runAt: t, lastErrorCategory: 'INTERRUPTED' });
      // The claim is released: the next drain may send it again with the same key.
      expect(await bench.store.idempotency.get(job.idempotencyKey)).toBeUndefined();
    }
    // Fetched ahead, never started: back as it was.
    expect(await bench.store.queue.get(charges[2].id)).toMatchObject({ status: 'pending', leaseOwner: null, attempts: 0 });

    // The calls answer late: their leases are gone, so nothing of theirs is settled.
    calls.releaseAll();
    // Another drain runs them at once, with no lease to wait out.
    const next = await drain(deps('drain-b'), { concurrency: 3 });
    expect(next).toMatchObject({ claimed: 3, succeeded: 3 });
    expect(await bench.store.queue.get(send.id)).toMatchObject({ status: 'unknown' });
  });
});

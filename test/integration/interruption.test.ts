/**
 * Ctrl-C during a call: its own category (INTERRUPTED), not a provider
 * failure, never counted against the circuit, never retried in-process; an
 * unsafe request that may have left stays OUTCOME_UNKNOWN. And the executor
 * reports its attempts and retries as events for the CLI to show.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AdapterContext } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import { createExecutor } from '../../src/core/executor.js';
import { createStoreGuard } from '../../src/core/policies/guard.js';
import type { Clock } from '../../src/core/clock.js';
import { integration, makeBench, type Bench } from './queue-fixture.js';

let bench: Bench;
afterEach(async () => bench?.close());

/** A provider call that never answers and ignores its signal; `started` resolves once it is under way. */
function hanging(): { step: { run: (ctx: AdapterContext) => Promise<unknown> }; started: Promise<void> } {
  let began: () => void = () => {};
  const started = new Promise<void>((resolve) => (began = resolve));
  return { step: { run: () => (began(), new Promise(() => {})) }, started };
}

describe('an interrupted call', () => {
  it('is logged as INTERRUPTED (exit 130), tried once, and leaves the circuit alone', async () => {
    bench = makeBench([integration('pay', { circuit: { consecutiveFailures: 1, windowMs: 60_000, minimumCalls: 10, cooldownMs: 30_000 } })]);
    const call = hanging();
    bench.provider.script('charge', call.step);
    const controller = new AbortController();
    const running = bench.runExecutor().execute('pay', 'charge', { reference: 'r-1' }, { signal: controller.signal });
    await call.started;
    controller.abort(new Error('received SIGINT'));
    const outcome = await running;

    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.category).toBe('INTERRUPTED');
    expect(outcome.error.message).toMatch(/interrupted \(received SIGINT\)/);
    expect(outcome.error.transient).toBe(false);
    expect(exitCodeFor(outcome.error)).toBe(130);
    expect(outcome.attempts).toBe(1);
    const log = await bench.store.logs.get(outcome.logId as number);
    expect(log).toMatchObject({ status: 'failed', errorCategory: 'INTERRUPTED' });
    // One counted failure would have opened this circuit.
    expect((await bench.store.circuits.get('pay'))?.state ?? 'closed').toBe('closed');
    // The keyed claim is released: running it again with the same key is safe.
    expect(await bench.store.idempotency.get(outcome.idempotencyKey)).toBeUndefined();
  });

  it('of an unsafe operation whose request may have left stays OUTCOME_UNKNOWN, its key kept', async () => {
    bench = makeBench();
    const call = hanging();
    bench.provider.script('send', call.step);
    const controller = new AbortController();
    const running = bench.runExecutor().execute('pay', 'send', { reference: 's-1' }, { signal: controller.signal });
    await call.started;
    controller.abort(new Error('received SIGINT'));
    const outcome = await running;
    expect(!outcome.ok && outcome.error.category).toBe('OUTCOME_UNKNOWN');
    expect(!outcome.ok && outcome.error.message).toMatch(/interrupted.*not re-sent \(unsafe operation\)/);
    expect((await bench.store.idempotency.get(outcome.idempotencyKey))?.state).toBe('unknown');
  });

  it('before the request left (waiting for a rate-limit token) is INTERRUPTED even for an unsafe operation: it provably did nothing', async () => {
    bench = makeBench([integration('pay', { rateLimit: { perSecond: 1, burst: 1 } })]);
    const controller = new AbortController();
    // The bucket is empty after the first call; the user presses Ctrl-C while the second waits for a token.
    const clock: Clock = {
      now: () => bench.clock.now(),
      sleep: (_ms, signal) => {
        controller.abort(new Error('received SIGINT'));
        return Promise.reject(signal?.reason);
      },
    };
    const executor = createExecutor({ config: bench.config, registry: bench.registry, store: bench.store, clock, owner: 'run', guard: createStoreGuard({ store: bench.store, clock, owner: 'run' }) });
    expect((await executor.execute('pay', 'send', { reference: 's-0' })).ok).toBe(true);
    const outcome = await executor.execute('pay', 'send', { reference: 's-1' }, { signal: controller.signal });
    expect(!outcome.ok && [outcome.error.category, outcome.error.requestSent]).toEqual(['INTERRUPTED', false]);
    expect(bench.provider.callsOf('send')).toHaveLength(1);
    expect(await bench.store.idempotency.get(outcome.idempotencyKey)).toBeUndefined();
  });

  it('while waiting to retry ends as INTERRUPTED, and the events report every attempt and retry', async () => {
    bench = makeBench();
    const controller = new AbortController();
    const events: string[] = [];
    bench.provider.script('lookup', new IntegrationError('TIMEOUT', 'no answer', { requestSent: true }), new IntegrationError('TIMEOUT', 'no answer', { requestSent: true }));
    const outcome = await bench.runExecutor().execute('pay', 'lookup', { reference: 'l-1' }, {
      signal: controller.signal,
      events: {
        onAttempt: (e) => events.push(`attempt ${e.attempt}/${e.maxAttempts} timeout ${e.timeoutMs}`),
        onRetry: (e) => {
          events.push(`retry ${e.attempt}/${e.maxAttempts} in ${e.delayMs} after ${e.error.category}`);
          // The user gives up during the second pause.
          if (e.attempt === 3) controller.abort(new Error('received SIGINT'));
        },
        onGiveUp: (e) => events.push(`gave up after ${e.attempts}: ${e.error.category}`),
      },
    });
    expect(!outcome.ok && outcome.error.category).toBe('INTERRUPTED');
    expect(events).toEqual([
      'attempt 1/3 timeout 5000',
      'retry 2/3 in 50 after TIMEOUT',
      'attempt 2/3 timeout 5000',
      'retry 3/3 in 100 after TIMEOUT',
      'gave up after 2: INTERRUPTED',
    ]);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/core/errors.js';
import { acquireToken } from '../../src/core/policies/rate-limiter.js';
import { integration, makeBench, type Bench } from './queue-fixture.js';

let bench: Bench;
afterEach(async () => bench?.close());

const T0 = Date.UTC(2026, 0, 1);

describe('shared token bucket', () => {
  it('starts full, refills at the rate up to the burst, and is shared by every connection', async () => {
    bench = makeBench();
    const other = bench.openAnother();
    const take = (store: typeof other, now: number) => store.rateLimits.take({ integration: 'pay', now, perSecond: 2, burst: 3 });
    expect((await take(bench.store, T0)).granted).toBe(true);
    expect((await take(other, T0)).granted).toBe(true);
    expect((await take(bench.store, T0)).granted).toBe(true);
    expect(await take(other, T0)).toEqual({ granted: false, waitMs: 500 });
    expect((await take(bench.store, T0 + 500)).granted).toBe(true);
    // A long idle refills to the burst, no further.
    for (let i = 0; i < 3; i++) expect((await take(other, T0 + 3_600_000)).granted).toBe(true);
    expect((await take(other, T0 + 3_600_000)).granted).toBe(false);
  });

  it('waits on the injected clock for a token, or refuses past the longest wait without calling anyone', async () => {
    bench = makeBench();
    const settings = { perSecond: 0.5, burst: 1 };
    expect(await acquireToken(bench.store.rateLimits, 'pay', settings, bench.clock)).toBe(0);
    expect(await acquireToken(bench.store.rateLimits, 'pay', settings, bench.clock)).toBe(2_000);
    expect(bench.clock.sleeps).toEqual([2_000]);
    const refused = await acquireToken(bench.store.rateLimits, 'pay', settings, bench.clock, { maxWaitMs: 1_000 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(IntegrationError);
    expect(refused).toMatchObject({ category: 'RATE_LIMITED', requestSent: false, retryAfterMs: 2_000 });
  });

  it('`run` is held to the same bucket as the drain', async () => {
    bench = makeBench([integration('pay', { rateLimit: { perSecond: 1, burst: 2 } })]);
    const run = bench.runExecutor();
    for (let i = 0; i < 3; i++) expect(await run.execute('pay', 'lookup', { reference: String(i) })).toMatchObject({ ok: true });
    expect(bench.clock.sleeps).toEqual([1_000]);
    expect(bench.provider.calls.map((c) => c.at - bench.provider.calls[0].at)).toEqual([0, 0, 1_000]);
  });
});

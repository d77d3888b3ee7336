import { afterEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/core/errors.js';
import { createExecutor } from '../../src/core/executor.js';
import { createStoreGuard } from '../../src/core/policies/guard.js';
import { integration, makeBench, type Bench } from './queue-fixture.js';

let bench: Bench;
afterEach(async () => bench?.close());

/** An executor as another process would have it: its own store connection and owner. */
function otherProcess(owner: string) {
  const store = bench.openAnother();
  return createExecutor({ config: bench.config, registry: bench.registry, store, clock: bench.clock, random: () => 0.5, owner, guard: createStoreGuard({ store, clock: bench.clock, owner }) });
}

describe('store-backed guard around `run`', () => {
  it('a circuit opened in one process fails the next call fast in another, with no provider call', async () => {
    bench = makeBench([integration('pay', { retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 100 }, circuit: { consecutiveFailures: 2, windowMs: 60_000, minimumCalls: 10, cooldownMs: 30_000 } })]);
    const a = otherProcess('proc-a');
    bench.provider.script('lookup', new IntegrationError('SERVER_ERROR', '500'), new IntegrationError('TIMEOUT', 'slow'));
    await a.execute('pay', 'lookup', { reference: '1' });
    await a.execute('pay', 'lookup', { reference: '2' });
    expect(bench.provider.calls).toHaveLength(2);

    const b = otherProcess('proc-b');
    const refused = await b.execute('pay', 'lookup', { reference: '3' });
    expect(refused).toMatchObject({ ok: false, error: { category: 'CIRCUIT_OPEN', requestSent: false } });
    expect(refused.ok ? 0 : refused.error.retryAfterMs).toBe(30_000);
    expect(bench.provider.calls).toHaveLength(2);

    // After the cool-down one process gets the trial; it succeeds and the circuit closes for everyone.
    bench.clock.advance(30_000);
    expect(await b.execute('pay', 'lookup', { reference: '4' })).toMatchObject({ ok: true });
    expect(await bench.store.circuits.get('pay')).toMatchObject({ state: 'closed' });
    expect(await a.execute('pay', 'lookup', { reference: '5' })).toMatchObject({ ok: true });
  });

  it('only one trial call at a time across processes', async () => {
    bench = makeBench([integration('pay', { retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 100 }, circuit: { consecutiveFailures: 1, windowMs: 60_000, minimumCalls: 10, cooldownMs: 1_000 } })]);
    const a = otherProcess('proc-a');
    const b = otherProcess('proc-b');
    bench.provider.script('lookup', new IntegrationError('SERVER_ERROR', '500'));
    await a.execute('pay', 'lookup', { reference: '1' });
    bench.clock.advance(1_000);
    let release: (() => void) | undefined;
    bench.provider.script('lookup', { run: () => new Promise((resolve) => (release = () => resolve({ ok: true }))) });
    const trial = a.execute('pay', 'lookup', { reference: 'trial' });
    // Until the trial call is inside the provider.
    while (!release) await new Promise((resolve) => setImmediate(resolve));
    expect(await b.execute('pay', 'lookup', { reference: 'meanwhile' })).toMatchObject({ ok: false, error: { category: 'CIRCUIT_OPEN' } });
    release();
    expect(await trial).toMatchObject({ ok: true });
    expect(bench.provider.calls.map((c) => c.input.reference)).toEqual(['1', 'trial']);
  });

  it('a 429 with Retry-After pauses the integration for every process until then', async () => {
    bench = makeBench([integration('pay', { retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 100 } })]);
    const a = otherProcess('proc-a');
    bench.provider.script('lookup', new IntegrationError('RATE_LIMITED', 'too many requests', { retryAfterMs: 90_000, provider: { status: 429 } }));
    await a.execute('pay', 'lookup', { reference: '1' });
    const b = otherProcess('proc-b');
    const paused = await b.execute('pay', 'lookup', { reference: '2' });
    expect(paused).toMatchObject({ ok: false, error: { category: 'RATE_LIMITED', requestSent: false, retryAfterMs: 90_000 } });
    expect(bench.provider.calls).toHaveLength(1);
    bench.clock.advance(90_000);
    expect(await b.execute('pay', 'lookup', { reference: '3' })).toMatchObject({ ok: true });
  });

  it('stores only the category and status of the failure that opened the circuit, never its message', async () => {
    bench = makeBench([integration('pay', { retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 100 }, circuit: { consecutiveFailures: 1, windowMs: 60_000, minimumCalls: 10, cooldownMs: 1_000 } })]);
    bench.provider.script('lookup', new IntegrationError('SERVER_ERROR', 'upstream said: key sk_live_supersecret invalid', { provider: { status: 502, code: 'bad_gateway' } }));
    await bench.runExecutor().execute('pay', 'lookup', { reference: '1' });
    const record = await bench.store.circuits.get('pay');
    expect(record?.lastError).toBe('SERVER_ERROR HTTP 502 bad_gateway');
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { IntegrationError } from '../../src/core/errors.js';
import { makeEngine, scriptedAdapter, scriptedRandom, type Engine, type IntegrationSpec } from './executor-fixture.js';

let engine: Engine | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await engine?.close();
  engine = undefined;
});

async function setup(spec: Partial<IntegrationSpec> = {}, random = scriptedRandom(0.5)) {
  const fixture = scriptedAdapter();
  engine = await makeEngine({ adapters: [fixture.adapter], integrations: { acme: { adapter: 'scripted', ...spec } }, random });
  return { fixture, engine };
}

const serverError = () => new IntegrationError('SERVER_ERROR', 'upstream 503', { provider: { status: 503 } });

describe('executor retries', () => {
  it('backs off exponentially with full jitter between attempts', async () => {
    const { fixture, engine } = await setup({ retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 } }, scriptedRandom(0.5, 0.25, 0.75));
    fixture.script('read', serverError(), serverError(), serverError(), { value: { fine: true } });
    const outcome = await engine.executor.execute('acme', 'read', {});
    expect(outcome).toMatchObject({ ok: true, attempts: 4, result: { fine: true } });
    // uniform in [0, base * 2^(n-1)): 0.5*100, 0.25*200, 0.75*400
    expect(engine.clock.sleeps).toEqual([50, 50, 300]);
    expect(outcome.durationMs).toBe(400);
  });

  it('caps the delay at maxDelayMs and gives up after maxAttempts', async () => {
    const { fixture, engine } = await setup({ retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 250 } }, scriptedRandom(0.999));
    fixture.script('read', serverError(), serverError(), serverError(), serverError(), serverError(), { value: 'never reached' });
    const outcome = await engine.executor.execute('acme', 'read', {});
    expect(outcome).toMatchObject({ ok: false, attempts: 5 });
    expect(outcome.ok ? undefined : outcome.error.category).toBe('SERVER_ERROR');
    expect(engine.clock.sleeps).toEqual([99, 199, 249, 249]);
    expect(fixture.runs('read')).toBe(5);
  });

  it('waits what Retry-After asks instead of its own backoff', async () => {
    const { fixture, engine } = await setup({ retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 } });
    fixture.script('read', new IntegrationError('RATE_LIMITED', 'slow down', { retryAfterMs: 2_500, provider: { status: 429 } }), { value: 1 });
    const outcome = await engine.executor.execute('acme', 'read', {});
    expect(outcome).toMatchObject({ ok: true, attempts: 2 });
    expect(engine.clock.sleeps).toEqual([2_500]);
  });

  it('hands a Retry-After too long to wait in-process back to the caller', async () => {
    const { fixture, engine } = await setup({ retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 } });
    fixture.script('read', new IntegrationError('RATE_LIMITED', 'come back in an hour', { retryAfterMs: 3_600_000 }));
    const outcome = await engine.executor.execute('acme', 'read', {});
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error).toMatchObject({ category: 'RATE_LIMITED', retryAfterMs: 3_600_000 });
    expect(outcome.attempts).toBe(1);
    expect(engine.clock.sleeps).toEqual([]);
  });

  it('does not retry a failure that is not transient', async () => {
    const { fixture, engine } = await setup();
    fixture.script('read', new IntegrationError('AUTHENTICATION_FAILED', 'bad key', { provider: { status: 401 } }));
    const outcome = await engine.executor.execute('acme', 'read', {});
    expect(outcome).toMatchObject({ ok: false, attempts: 1 });
    expect(engine.clock.sleeps).toEqual([]);
  });

  it('never retries an unsafe operation after a timeout: the outcome is unknown', async () => {
    const { fixture, engine } = await setup();
    fixture.script('send', new IntegrationError('TIMEOUT', 'no answer within 5000 ms', { requestSent: true }), { value: 'a second send' });
    const outcome = await engine.executor.execute('acme', 'send', { amount: 10 });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.category).toBe('OUTCOME_UNKNOWN');
    expect(outcome.attempts).toBe(1);
    expect(fixture.runs('send')).toBe(1);
    expect(engine.clock.sleeps).toEqual([]);
    const row = await engine.store.logs.get(outcome.logId!);
    expect(row).toMatchObject({ status: 'failed', errorCategory: 'OUTCOME_UNKNOWN', attempts: 1 });
  });

  it('treats a connection dropped after sending as unknown for an unsafe operation', async () => {
    const { fixture, engine } = await setup();
    fixture.script('send', new IntegrationError('NETWORK_ERROR', 'socket hang up', { requestSent: true }));
    const outcome = await engine.executor.execute('acme', 'send', { amount: 10 });
    expect(outcome.ok ? 'ok' : outcome.error.category).toBe('OUTCOME_UNKNOWN');
    expect(fixture.runs('send')).toBe(1);
  });

  it('retries an unsafe operation whose request provably never left', async () => {
    const { fixture, engine } = await setup();
    const refused = () => new IntegrationError('NETWORK_ERROR', 'connect ECONNREFUSED', { requestSent: false });
    fixture.script('send', refused(), refused(), { value: { sent: true } });
    const outcome = await engine.executor.execute('acme', 'send', { amount: 10 });
    expect(outcome).toMatchObject({ ok: true, attempts: 3, result: { sent: true } });
    expect(engine.clock.sleeps).toEqual([50, 100]);
  });

  it('retries a keyed operation after a timeout with the same idempotency key', async () => {
    const { fixture, engine } = await setup();
    fixture.script('write', new IntegrationError('TIMEOUT', 'no answer', { requestSent: true }), { value: { id: 'w' } });
    const outcome = await engine.executor.execute('acme', 'write', { amount: 1 }, { idempotencyKey: 'same-key' });
    expect(outcome).toMatchObject({ ok: true, attempts: 2 });
    expect(fixture.calls.map((c) => c.idempotencyKey)).toEqual(['same-key', 'same-key']);
  });

  it('times out an attempt that does not finish, aborting its signal', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { fixture, engine } = await setup({ timeoutMs: 2_000, retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 } });
    fixture.script('send', { value: () => new Promise(() => {}) });
    const pending = engine.executor.execute('acme', 'send', { amount: 7 });
    while (fixture.runs('send') === 0) await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(2_000);
    const outcome = await pending;
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.category).toBe('OUTCOME_UNKNOWN');
    expect(outcome.error.message).toMatch(/did not finish within 2000 ms/);
    expect(fixture.calls[0].signal.aborted).toBe(true);
    expect(fixture.runs('send')).toBe(1);
  });

  it('stops retrying when the caller aborts', async () => {
    const { fixture, engine } = await setup({ retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 } });
    const controller = new AbortController();
    fixture.script('read', serverError(), { value: async () => {
      controller.abort(new Error('interrupted'));
      throw serverError();
    } }, { value: 'not reached' });
    const outcome = await engine.executor.execute('acme', 'read', {}, { signal: controller.signal });
    expect(outcome).toMatchObject({ ok: false, attempts: 2 });
    expect(fixture.runs('read')).toBe(2);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/core/errors.js';
import { deriveIdempotencyKey } from '../../src/core/executor.js';
import type { Store } from '../../src/store/types.js';
import { makeEngine, scriptedAdapter, type Engine } from './executor-fixture.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

async function setup(ttlMs?: number) {
  const fixture = scriptedAdapter();
  engine = await makeEngine({ adapters: [fixture.adapter], integrations: { acme: { adapter: 'scripted' } }, ttlMs });
  return { fixture, engine };
}

describe('executor idempotency', () => {
  it('replays a completed key without running the operation again', async () => {
    const { fixture, engine } = await setup();
    fixture.script('write', { value: { id: 'w-1' } });
    const first = await engine.executor.execute('acme', 'write', { amount: 5 }, { idempotencyKey: 'k-1' });
    const second = await engine.executor.execute('acme', 'write', { amount: 5 }, { idempotencyKey: 'k-1' });
    expect(first).toMatchObject({ ok: true, replayed: false, result: { id: 'w-1' }, attempts: 1 });
    expect(second).toMatchObject({ ok: true, replayed: true, result: { id: 'w-1' }, attempts: 0, logId: first.logId });
    expect(fixture.runs('write')).toBe(1);
    expect(await engine.store.logs.count({})).toBe(1);
  });

  it('derives the key from integration, operation, payload and tenant', async () => {
    const { fixture, engine } = await setup();
    const a = await engine.executor.execute('acme', 'write', { amount: 5, note: 'x' }, { tenant: 't1' });
    const sameReordered = await engine.executor.execute('acme', 'write', { note: 'x', amount: 5 }, { tenant: 't1' });
    const otherTenant = await engine.executor.execute('acme', 'write', { amount: 5, note: 'x' }, { tenant: 't2' });
    expect(a.idempotencyKey).toBe(deriveIdempotencyKey('acme', 'write', { amount: 5, note: 'x' }, 't1'));
    expect(a.idempotencyKey).toMatch(/^[0-9a-f]{64}$/);
    expect(sameReordered).toMatchObject({ ok: true, replayed: true, idempotencyKey: a.idempotencyKey });
    expect(otherTenant).toMatchObject({ ok: true, replayed: false });
    expect(otherTenant.idempotencyKey).not.toBe(a.idempotencyKey);
    expect(fixture.runs('write')).toBe(2);
  });

  it('answers CONFLICT while another process holds the key, and runs once it is released', async () => {
    const { fixture, engine } = await setup();
    let finish!: (value: unknown) => void;
    fixture.script('write', { value: () => new Promise((resolve) => (finish = resolve)) });
    const running = engine.executor.execute('acme', 'write', { amount: 1 }, { idempotencyKey: 'busy' });
    // Wait until the first execution is inside the adapter (its claim is then in the store).
    while (fixture.runs('write') === 0) await new Promise((r) => setImmediate(r));

    const rival = await engine.another().execute('acme', 'write', { amount: 1 }, { idempotencyKey: 'busy' });
    expect(rival.ok).toBe(false);
    if (rival.ok) return;
    expect(rival.error.category).toBe('CONFLICT');
    expect(rival.error.message).toContain('test-process');
    const claim = await engine.store.idempotency.get('busy');
    expect(rival.error.retryAfterMs).toBe(claim!.staleAt - engine.clock.now());
    expect(fixture.runs('write')).toBe(1);

    finish({ id: 'done' });
    expect(await running).toMatchObject({ ok: true, result: { id: 'done' } });
    expect(await engine.another().execute('acme', 'write', { amount: 1 }, { idempotencyKey: 'busy' })).toMatchObject({ ok: true, replayed: true, result: { id: 'done' } });
    expect(fixture.runs('write')).toBe(1);
  });

  it('takes over a claim left by a crashed process once it is past the timeout plus a margin', async () => {
    const { fixture, engine } = await setup();
    // The "crashed" process claims the key, runs the operation, then dies before recording anything.
    const logs = Object.create(engine.store.logs, { append: { value: async () => Promise.reject(new Error('killed')) } });
    const dying = Object.create(engine.store, { logs: { value: logs } }) as Store;
    await expect(engine.another({ store: dying, owner: 'crashed' }).execute('acme', 'write', { amount: 1 }, { idempotencyKey: 'orphan' })).rejects.toThrow('killed');
    const orphan = await engine.store.idempotency.get('orphan');
    expect(orphan).toMatchObject({ state: 'in_flight', owner: 'crashed' });
    const integration = engine.config.integrations.acme;
    expect(orphan!.staleAt - orphan!.claimedAt).toBeGreaterThanOrEqual(integration.timeoutMs * integration.retry.maxAttempts + 30_000);

    engine.clock.set(orphan!.staleAt - 1);
    const early = await engine.executor.execute('acme', 'write', { amount: 1 }, { idempotencyKey: 'orphan' });
    expect(early.ok ? 'ok' : early.error.category).toBe('CONFLICT');

    engine.clock.set(orphan!.staleAt);
    const late = await engine.executor.execute('acme', 'write', { amount: 1 }, { idempotencyKey: 'orphan' });
    expect(late).toMatchObject({ ok: true, replayed: false });
    expect(await engine.store.idempotency.get('orphan')).toMatchObject({ state: 'completed', owner: 'test-process' });
    expect(fixture.runs('write')).toBe(2);
  });

  it('forgets completed keys after the TTL', async () => {
    const { fixture, engine } = await setup(60_000);
    await engine.executor.execute('acme', 'write', { amount: 2 }, { idempotencyKey: 'ttl' });
    engine.clock.advance(59_999);
    expect(await engine.executor.execute('acme', 'write', { amount: 2 }, { idempotencyKey: 'ttl' })).toMatchObject({ ok: true, replayed: true });
    engine.clock.advance(1);
    expect(await engine.executor.execute('acme', 'write', { amount: 2 }, { idempotencyKey: 'ttl' })).toMatchObject({ ok: true, replayed: false });
    expect(fixture.runs('write')).toBe(2);
  });

  it('keeps the key of an OUTCOME_UNKNOWN and refuses to run it blindly again', async () => {
    const { fixture, engine } = await setup();
    fixture.script('send', new IntegrationError('TIMEOUT', 'no answer', { requestSent: true }));
    const first = await engine.executor.execute('acme', 'send', { amount: 3 });
    expect(first.ok).toBe(false);
    if (first.ok) return;
    expect(first.error.category).toBe('OUTCOME_UNKNOWN');
    expect(await engine.store.idempotency.get(first.idempotencyKey)).toMatchObject({ state: 'unknown', logId: first.logId });

    const again = await engine.another().execute('acme', 'send', { amount: 3 });
    expect(again.ok).toBe(false);
    if (again.ok) return;
    expect(again.error.category).toBe('OUTCOME_UNKNOWN');
    expect(again.error.message).toMatch(/unknown outcome \(log \d+\); it is not run again until that outcome is settled/);
    expect(again.logId).toBe(first.logId);
    expect(fixture.runs('send')).toBe(1);
  });

  it('releases the key after a failure that had no effect, so the call can be made again', async () => {
    const { fixture, engine } = await setup();
    fixture.script('write', new IntegrationError('INVALID_REQUEST', 'rejected'));
    const failed = await engine.executor.execute('acme', 'write', { amount: 4 }, { idempotencyKey: 'retry-me' });
    expect(failed.ok).toBe(false);
    expect(await engine.store.idempotency.get('retry-me')).toBeUndefined();
    expect(await engine.executor.execute('acme', 'write', { amount: 4 }, { idempotencyKey: 'retry-me' })).toMatchObject({ ok: true, replayed: false });
    expect(fixture.runs('write')).toBe(2);
  });

  it('runs a safe read afresh every time unless the caller gives a key', async () => {
    const { fixture, engine } = await setup();
    fixture.script('read', { value: { status: 'pending' } }, { value: { status: 'paid' } }, { value: { status: 'refunded' } });
    expect(await engine.executor.execute('acme', 'read', { id: 'p1' })).toMatchObject({ ok: true, replayed: false, result: { status: 'pending' } });
    expect(await engine.executor.execute('acme', 'read', { id: 'p1' })).toMatchObject({ ok: true, replayed: false, result: { status: 'paid' } });
    expect(await engine.store.idempotency.get(deriveIdempotencyKey('acme', 'read', { id: 'p1' }))).toBeUndefined();
    await engine.executor.execute('acme', 'read', { id: 'p1' }, { idempotencyKey: 'explicit' });
    expect(await engine.executor.execute('acme', 'read', { id: 'p1' }, { idempotencyKey: 'explicit' })).toMatchObject({ replayed: true, result: { status: 'refunded' } });
    expect(fixture.runs('read')).toBe(3);
  });

  it('refuses a key already used by another operation instead of replaying its result', async () => {
    const { fixture, engine } = await setup();
    await engine.executor.execute('acme', 'write', { amount: 1 }, { idempotencyKey: 'shared' });
    const other = await engine.executor.execute('acme', 'read', {}, { idempotencyKey: 'shared' });
    expect(other.ok).toBe(false);
    if (other.ok) return;
    expect(other.error.category).toBe('CONFLICT');
    expect(other.error.message).toContain('acme write');
    expect(fixture.runs('read')).toBe(0);
  });
});

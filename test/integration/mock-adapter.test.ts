import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdapterContext } from '../../src/core/adapter.js';
import { buildContext } from '../../src/core/context.js';
import { IntegrationError } from '../../src/core/errors.js';
import { createExecutor } from '../../src/core/executor.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import mock from '../../adapters/mock/index.js';
import type { MockConfig } from '../../adapters/mock/config.js';
import { makeEngine, scriptedRandom, type Engine } from '../unit/executor-fixture.js';

let engine: Engine | undefined;
const extra: SqliteStore[] = [];
afterEach(async () => {
  for (const s of extra.splice(0)) await s.close();
  await engine?.close();
  engine = undefined;
});

async function setup(config: Record<string, unknown> = {}, retry = { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 1_000 }) {
  engine = await makeEngine({ integrations: { pay: { adapter: 'mock', config, retry } }, random: scriptedRandom(0.5) });
  return engine;
}

function ctxFor(e: Engine, idempotencyKey: string, store = e.store): AdapterContext<MockConfig> {
  return buildContext({
    integration: e.config.integrations.pay,
    adapter: mock,
    store,
    clock: e.clock,
    baseDir: e.dir,
    idempotencyKey,
    correlationId: `corr-${idempotencyKey}`,
    signal: new AbortController().signal,
  }) as AdapterContext<MockConfig>;
}

async function thrownBy(work: Promise<unknown>): Promise<IntegrationError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof IntegrationError) return err;
  throw new Error(`expected an IntegrationError, got ${String(err)}`);
}

const chargeRows = (e: Engine) => (e.store.db.prepare("SELECT count(*) AS n FROM kv WHERE scope = 'integration:pay' AND key LIKE 'charge:%'").get() as { n: number }).n;
const sale = { amount: 150.5, currency: 'kes', reference: 'INV-1', phone: '+254712345678' };

describe('mock payment adapter', () => {
  it('echoes its payload, and an empty object when given none', async () => {
    const e = await setup();
    expect(await e.executor.execute('pay', 'echo', { hello: ['world', 1] })).toMatchObject({ ok: true, result: { hello: ['world', 1] } });
    expect(await e.executor.execute('pay', 'echo', undefined)).toMatchObject({ ok: true, result: {} });
  });

  it('charges, and the charge can be queried by id', async () => {
    const e = await setup();
    const charged = await e.executor.execute('pay', 'charge', sale);
    expect(charged).toMatchObject({ ok: true, result: { status: 'succeeded', amount: 150.5, currency: 'KES', reference: 'INV-1', phone: '+254712345678' } });
    const id = (charged as { result: { id: string } }).result.id;
    expect(id).toMatch(/^ch_[0-9a-f]{24}$/);
    const queried = await e.executor.execute('pay', 'query', { id });
    expect(queried).toMatchObject({ ok: true, result: { id, status: 'succeeded', amountRefunded: 0, refunds: [] } });
  });

  it('answers NOT_FOUND for a charge it never made', async () => {
    const e = await setup();
    const outcome = await e.executor.execute('pay', 'query', { id: 'ch_missing' });
    expect(outcome.ok ? 'ok' : outcome.error.category).toBe('NOT_FOUND');
  });

  it('validates charge input before doing anything', async () => {
    const e = await setup();
    const outcome = await e.executor.execute('pay', 'charge', { amount: 1.005, currency: 'shillings', reference: '' });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.category).toBe('VALIDATION_FAILED');
    expect(outcome.error.issues.map((i) => i.split(':')[0]).sort()).toEqual(['payload.amount', 'payload.currency', 'payload.reference']);
    expect(chargeRows(e)).toBe(0);
  });

  it('dedupes a keyed charge on the idempotency key, like a real provider', async () => {
    const e = await setup();
    const op = mock.operations.charge;
    const first = await op.run(ctxFor(e, 'key-1'), op.input.parse(sale));
    const again = await op.run(ctxFor(e, 'key-1'), op.input.parse(sale));
    const other = await op.run(ctxFor(e, 'key-2'), op.input.parse(sale));
    expect(again).toEqual(first);
    expect(other.id).not.toBe(first.id);
    expect(chargeRows(e)).toBe(2);
    const reused = await thrownBy(op.run(ctxFor(e, 'key-1'), op.input.parse({ ...sale, amount: 99 })));
    expect(reused.category).toBe('CONFLICT');
  });

  it('refunds in parts, refuses over-refunds, and tracks the charge status', async () => {
    const e = await setup();
    const charged = (await e.executor.execute('pay', 'charge', { amount: 100, currency: 'USD', reference: 'r' })) as { result: { id: string } };
    const id = charged.result.id;
    expect(await e.executor.execute('pay', 'refund', { id, amount: 30.1 })).toMatchObject({ ok: true, result: { chargeId: id, amount: 30.1, currency: 'USD', status: 'succeeded' } });
    expect(await e.executor.execute('pay', 'query', { id })).toMatchObject({ result: { status: 'partially_refunded', amountRefunded: 30.1 } });

    const tooMuch = await e.executor.execute('pay', 'refund', { id, amount: 70 });
    expect(tooMuch.ok).toBe(false);
    if (tooMuch.ok) return;
    expect(tooMuch.error.category).toBe('INVALID_REQUEST');
    expect(tooMuch.error.message).toContain('69.9');

    const rest = await e.executor.execute('pay', 'refund', { id });
    expect(rest).toMatchObject({ ok: true, result: { amount: 69.9 } });
    const after = await e.executor.execute('pay', 'query', { id });
    expect(after).toMatchObject({ result: { status: 'refunded', amountRefunded: 100 } });
    expect((after as { result: { refunds: string[] } }).result.refunds).toHaveLength(2);

    const more = await e.executor.execute('pay', 'refund', { id, amount: 0.01 });
    expect(more.ok ? 'ok' : more.error.category).toBe('INVALID_REQUEST');
    expect((await e.executor.execute('pay', 'refund', { id: 'ch_nope' })).ok).toBe(false);
  });

  it('keeps its state in the store: another process sees the charge', async () => {
    const e = await setup();
    const charged = (await e.executor.execute('pay', 'charge', sale)) as { result: { id: string } };
    const second = SqliteStore.open(join(e.dir, 'store.db'));
    extra.push(second);
    const elsewhere = createExecutor({ config: e.config, registry: e.registry, store: second, clock: e.clock, owner: 'p2' });
    expect(await elsewhere.execute('pay', 'query', { id: charged.result.id })).toMatchObject({ ok: true, result: { id: charged.result.id } });
  });

  it('waits its latency on the injected clock', async () => {
    const e = await setup({ latencyMs: 250 });
    const outcome = await e.executor.execute('pay', 'echo', { a: 1 });
    expect(e.clock.sleeps).toEqual([250]);
    expect(outcome.durationMs).toBe(250);
  });

  it('follows a scripted failure sequence; a lost response after a charge does not charge twice', async () => {
    const e = await setup({ failures: ['NETWORK_ERROR', 'TIMEOUT', 'ok'] }, { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 });
    const outcome = await e.executor.execute('pay', 'charge', sale);
    expect(outcome).toMatchObject({ ok: true, attempts: 3 });
    expect(e.clock.sleeps).toEqual([50, 100]);
    expect(chargeRows(e)).toBe(1);
  });

  it('throws failures with the requestSent and Retry-After a real provider would give', async () => {
    const e = await setup({ failures: ['NETWORK_ERROR', 'TIMEOUT', 'RATE_LIMITED', 'SERVER_ERROR', 'ok'], retryAfterMs: 700 });
    const echo = () => mock.operations.echo.run(ctxFor(e, 'k'), {});
    expect(await thrownBy(echo())).toMatchObject({ category: 'NETWORK_ERROR', requestSent: false });
    expect(await thrownBy(echo())).toMatchObject({ category: 'TIMEOUT', requestSent: true });
    expect(await thrownBy(echo())).toMatchObject({ category: 'RATE_LIMITED', retryAfterMs: 700, provider: { status: 429 } });
    expect(await thrownBy(echo())).toMatchObject({ category: 'SERVER_ERROR', provider: { status: 503 } });
    expect(await echo()).toEqual({});
    expect(await echo()).toEqual({});
  });

  it('keeps the script cursor in the store, so the sequence spans processes, and restarts it for a new script', async () => {
    const e = await setup({ failures: ['SERVER_ERROR', 'SERVER_ERROR', 'ok'] });
    expect((await e.executor.execute('pay', 'echo', { n: 1 })).ok).toBe(false);
    const second = SqliteStore.open(join(e.dir, 'store.db'));
    extra.push(second);
    const run = (n: number) => mock.operations.echo.run(ctxFor(e, `k${n}`, second), { n });
    expect((await thrownBy(run(2))).category).toBe('SERVER_ERROR');
    expect(await run(3)).toEqual({ n: 3 });

    e.config.integrations.pay.config = mock.config.parse({ failures: ['CONFLICT'] }) as Record<string, unknown>;
    expect((await thrownBy(run(4))).category).toBe('CONFLICT');
  });

  it('honours Retry-After from a rate-limited call through the executor', async () => {
    const e = await setup({ failures: ['RATE_LIMITED'], retryAfterMs: 700 }, { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 1_000 });
    expect(await e.executor.execute('pay', 'echo', {})).toMatchObject({ ok: true, attempts: 2 });
    expect(e.clock.sleeps).toEqual([700]);
  });

  it('fails a reproducible share of calls for a seeded failure rate', async () => {
    const outcomes = async () => {
      const e = await setup({ failureRate: 0.3, seed: 42 });
      const seen: string[] = [];
      for (let i = 0; i < 40; i++) {
        const o = await e.executor.execute('pay', 'echo', { i });
        seen.push(o.ok ? 'ok' : o.error.category);
      }
      await e.close();
      engine = undefined;
      return seen;
    };
    const first = await outcomes();
    expect(await outcomes()).toEqual(first);
    const failures = first.filter((o) => o !== 'ok');
    expect(failures.length).toBeGreaterThan(3);
    expect(failures.length).toBeLessThan(25);
    for (const f of failures) expect(['SERVER_ERROR', 'TIMEOUT', 'NETWORK_ERROR', 'RATE_LIMITED']).toContain(f);
  });

  it('never lets its secret key out, even when the provider echoes it in an error', async () => {
    const key = 'sk_mock_5up3r53cr3t';
    const e = await setup({ failures: ['AUTHENTICATION_FAILED'], secretKey: key });
    const outcome = await e.executor.execute('pay', 'charge', sale);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.category).toBe('AUTHENTICATION_FAILED');
    expect(JSON.stringify({ m: outcome.error.message, j: outcome.error.toJSON() })).not.toContain(key);
    const row = await e.store.logs.get(outcome.logId!);
    expect(JSON.stringify(row)).not.toContain(key);
    expect(row!.errorMessage).toContain('[REDACTED]');
  });

  it('reports health from its settings and passes its self-test', async () => {
    const healthy = await setup();
    expect(await mock.health!(ctxFor(healthy, 'h'))).toMatchObject({ status: 'healthy' });
    expect(await mock.selfTest!(ctxFor(healthy, 's'))).toMatch(/echo/);
    await healthy.close();
    const flaky = await setup({ failureRate: 0.25 });
    expect(await mock.health!(ctxFor(flaky, 'h'))).toEqual({ status: 'degraded', message: 'mock provider failing 25% of calls' });
  });

  it('fails its self-test when its script says the next call fails', async () => {
    const e = await setup({ failures: ['AUTHENTICATION_FAILED'] });
    expect((await thrownBy(mock.selfTest!(ctxFor(e, 's')) as Promise<unknown>)).category).toBe('AUTHENTICATION_FAILED');
  });
});

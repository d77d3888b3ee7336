import { afterEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/core/errors.js';
import { alreadySettled, settleOutcome } from '../../src/reconcile/settle.js';
import { allUnknown, byLogIds } from '../../src/reconcile/targets.js';
import { integration, makeBench, type Bench } from './queue-fixture.js';

let bench: Bench;
afterEach(async () => bench?.close());

const deps = () => ({ config: bench.config, registry: bench.registry, store: bench.store, clock: bench.clock, executor: bench.runExecutor() });

/** A direct run of the unsafe send whose answer never comes: its OUTCOME_UNKNOWN log id. */
async function unknownRun(reference: string): Promise<number> {
  bench.provider.script('send', new IntegrationError('TIMEOUT', 'no answer', { requestSent: true }));
  const out = await bench.runExecutor().execute('pay', 'send', { reference });
  expect(!out.ok && out.error.category).toBe('OUTCOME_UNKNOWN');
  return out.logId as number;
}

describe('settling unknown outcomes of direct runs', () => {
  it('does not query with a value the log redacted: only settling by hand will do', async () => {
    bench = makeBench([integration('pay', { sensitive: ['reference'] })]);
    const logId = await unknownRun('secret-ref');
    const [{ item }] = await byLogIds(bench.store, [logId]);
    const settled = await settleOutcome(deps(), item, { by: 'query' });
    expect(settled).toMatchObject({ status: 'unknown', byHand: true, detail: 'cannot build a fakepay query from the logged request: query.reference was redacted in the log' });
    expect(bench.provider.callsOf('query')).toHaveLength(0);
  });

  it('an answer the provider cannot give yet leaves it unknown, to be asked again', async () => {
    bench = makeBench();
    const logId = await unknownRun('r-1');
    bench.provider.script('query', { value: { status: 'unknown', resultDesc: 'no CheckoutRequestID yet' } });
    const [{ item }] = await byLogIds(bench.store, [logId]);
    expect(await settleOutcome(deps(), item, { by: 'query' })).toMatchObject({ status: 'unknown', byHand: false, detail: expect.stringMatching(/cannot tell yet \(no CheckoutRequestID yet\)/) });
    expect(await bench.store.logs.settlementOf(logId)).toBeUndefined();
    expect((await bench.store.idempotency.get(item.idempotencyKey))?.state).toBe('unknown');
  });

  it('two reconciles of one outcome record one settlement; the second reports the first', async () => {
    bench = makeBench();
    const logId = await unknownRun('r-2');
    const [item] = await allUnknown(bench.store);
    bench.provider.script('query', { value: { status: 'sent' } }, { value: { status: 'failed' } });
    const first = await settleOutcome(deps(), item, { by: 'query' });
    const second = await settleOutcome(deps(), item, { by: 'query' });
    expect(first).toMatchObject({ status: 'succeeded', already: false });
    expect(second).toMatchObject({ status: 'succeeded', already: true, settlementLogId: first.settlementLogId, detail: `already settled as succeeded by query in log ${first.settlementLogId}` });
    expect((await bench.store.logs.query({})).filter((r) => r.reconciles?.logId === logId)).toHaveLength(1);
    expect(await allUnknown(bench.store)).toEqual([]);
  });

  it('a settlement whose key was left unknown (the process died in between) is applied to the key when named again', async () => {
    bench = makeBench();
    const logId = await unknownRun('r-3');
    const original = (await bench.store.logs.get(logId))!;
    const settlementId = await bench.store.logs.appendSettlement({
      ...original,
      time: bench.clock.now(),
      status: 'ok',
      errorCategory: null,
      errorMessage: null,
      response: '{"id":"m3","status":"sent"}',
      reconciles: { logId, by: 'query', actor: null, reason: null },
    });
    expect(await bench.store.logs.appendSettlement({ ...original, reconciles: { logId, by: 'hand', actor: 'x', reason: 'y' } })).toBeNull();
    const blocked = await bench.runExecutor().execute('pay', 'send', { reference: 'r-3' });
    expect(!blocked.ok && blocked.error.category).toBe('OUTCOME_UNKNOWN');

    const [named] = await byLogIds(bench.store, [logId]);
    expect(named.settlement?.id).toBe(settlementId);
    expect(await alreadySettled(deps(), named.item, named.settlement!)).toMatchObject({ status: 'succeeded', already: true });
    const replay = await bench.runExecutor().execute('pay', 'send', { reference: 'r-3' });
    expect(replay).toMatchObject({ ok: true, replayed: true, result: { id: 'm3', status: 'sent' }, logId: settlementId });
    expect(bench.provider.callsOf('send')).toHaveLength(1);
  });

  it('a queued job and the row its run wrote are one outcome, settled together', async () => {
    bench = makeBench();
    const direct = await unknownRun('r-4');
    const { enqueueOperation } = await import('../../src/queue/enqueue.js');
    const base = { config: bench.config, registry: bench.registry, store: bench.store, clock: bench.clock };
    // Enqueued after the run went unknown: the job holds the same key, so its drain stops at the same unknown outcome.
    const { job } = await enqueueOperation(base, { integration: 'pay', operation: 'send', payload: { reference: 'r-4' } });
    const { drain } = await import('../../src/queue/drain.js');
    await drain({ ...base, owner: 'd', isOwnerDead: () => false }, {});
    expect(await bench.store.queue.get(job.id)).toMatchObject({ status: 'unknown', logId: direct });
    const items = await allUnknown(bench.store);
    expect(items.map((i) => [i.log?.id, i.job?.id])).toEqual([[direct, job.id]]);

    bench.provider.script('query', { value: { status: 'delivered' } });
    expect(await settleOutcome(deps(), items[0], { by: 'query' })).toMatchObject({ status: 'succeeded' });
    expect(await bench.store.queue.get(job.id)).toMatchObject({ status: 'succeeded' });
  });
});

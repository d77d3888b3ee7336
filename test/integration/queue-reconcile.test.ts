import { afterEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/core/errors.js';
import { drain } from '../../src/queue/drain.js';
import { enqueueOperation } from '../../src/queue/enqueue.js';
import { reconcile } from '../../src/queue/reconcile.js';
import { integration, makeBench, scriptedRandom, type Bench } from './queue-fixture.js';

let bench: Bench;
afterEach(async () => bench?.close());

/** Enqueues an unsafe send and drains it into `unknown` (its call times out). */
async function unknownJob(reference: string) {
  const deps = { config: bench.config, registry: bench.registry, store: bench.store, clock: bench.clock };
  const { job } = await enqueueOperation(deps, { integration: 'pay', operation: 'send', payload: { reference } });
  bench.provider.script('send', new IntegrationError('TIMEOUT', 'no answer', { requestSent: true }));
  await drain({ ...deps, random: scriptedRandom(0.5), owner: 'd', isOwnerDead: () => false }, { concurrency: 1 });
  expect((await bench.store.queue.get(job.id))?.status).toBe('unknown');
  return job;
}

const reconcileDeps = () => ({ config: bench.config, registry: bench.registry, store: bench.store, clock: bench.clock, executor: bench.runExecutor() });

describe('queue reconcile', () => {
  it("asks the provider with the job's payload: a record settles it succeeded and the key replays it", async () => {
    bench = makeBench();
    const job = await unknownJob('sms-1');
    bench.provider.script('query', { value: { id: 'm1', status: 'delivered' } });
    const [result] = await reconcile(reconcileDeps());
    expect(result).toEqual({ id: job.id, integration: 'pay', operation: 'send', status: 'succeeded', detail: 'the provider reports delivered' });
    expect(bench.provider.callsOf('query').map((c) => c.input)).toEqual([{ reference: 'sms-1' }]);
    expect(await bench.store.queue.get(job.id)).toMatchObject({ status: 'succeeded', result: JSON.stringify({ id: 'm1', status: 'delivered' }) });
    // Running the same call again replays; it is not sent.
    const again = await bench.runExecutor().execute('pay', 'send', { reference: 'sms-1' }, { idempotencyKey: job.idempotencyKey });
    expect(again).toMatchObject({ ok: true, replayed: true });
    expect(bench.provider.callsOf('send')).toHaveLength(1);
  });

  it('an integration waiting on an unset variable is not asked: the job stays unknown and the detail names the variable', async () => {
    bench = makeBench();
    const job = await unknownJob('sms-waiting');
    const { pay, ...others } = bench.config.integrations;
    const config = { ...bench.config, integrations: others, unresolved: { pay: { name: 'pay', adapter: pay.adapter, enabled: true, sensitive: [], missing: ['SMS_API_KEY'], problems: [] } } };
    const [result] = await reconcile({ ...reconcileDeps(), config });
    expect(result).toEqual({ id: job.id, integration: 'pay', operation: 'send', status: 'unknown', detail: 'pay: SMS_API_KEY is not set; set it and reconcile again' });
    expect(bench.provider.callsOf('query')).toHaveLength(0);
    expect((await bench.store.queue.get(job.id))?.status).toBe('unknown');
  });

  it('a failed status or no record settles it dead and frees the key for a retry; pending stays unknown', async () => {
    // Three timeouts would open the default test circuit; these tests are about reconcile.
    bench = makeBench([integration('pay', { circuit: { consecutiveFailures: 10, windowMs: 60_000, minimumCalls: 10, cooldownMs: 30_000 } })]);
    const failed = await unknownJob('sms-failed');
    const missing = await unknownJob('sms-missing');
    const pending = await unknownJob('sms-pending');
    // Unknown jobs are reconciled newest first.
    bench.provider.script('query', { value: { id: 'y', status: 'pending' } }, new IntegrationError('NOT_FOUND', 'no such message'), { value: { id: 'x', status: 'FAILED' } });
    const results = await reconcile(reconcileDeps());
    expect(results.map((r) => [r.id, r.status])).toEqual([
      [pending.id, 'unknown'],
      [missing.id, 'dead'],
      [failed.id, 'dead'],
    ]);
    expect(results.find((r) => r.id === pending.id)?.detail).toMatch(/still pending/);
    // Dead by reconcile: `queue retry` sends it again, with the same key, for real.
    expect((await bench.store.queue.retry([missing.id], bench.clock.now())).retried).toEqual([missing.id]);
    bench.clock.advance(1);
    await drain({ config: bench.config, registry: bench.registry, store: bench.store, clock: bench.clock, owner: 'd2', isOwnerDead: () => false }, {});
    expect(await bench.store.queue.get(missing.id)).toMatchObject({ status: 'succeeded' });
    expect(bench.provider.callsOf('send').filter((c) => c.idempotencyKey === missing.idempotencyKey)).toHaveLength(2);
  });

  it('leaves a job unknown, saying why, when the query cannot be built or fails', async () => {
    bench = makeBench([integration('pay', { circuit: { consecutiveFailures: 10, windowMs: 60_000, minimumCalls: 10, cooldownMs: 30_000 } })]);
    await unknownJob('sms-1');
    // The query is safe, so the executor tries it three times.
    for (let i = 0; i < 3; i++) bench.provider.script('query', new IntegrationError('SERVER_ERROR', 'provider down'));
    const [result] = await reconcile(reconcileDeps());
    expect(result).toMatchObject({ status: 'unknown', detail: expect.stringMatching(/query failed: SERVER_ERROR/) });
    const manual = await reconcile(reconcileDeps(), { ids: [result.id], as: 'dead' });
    expect(manual).toMatchObject([{ status: 'dead', detail: 'settled by hand as dead' }]);
    await expect(reconcile(reconcileDeps(), { ids: [result.id] })).rejects.toThrow(/only jobs with an unknown outcome/);

    // A payload without what the query needs: nothing is asked, the operator is told.
    const deps = { config: bench.config, registry: bench.registry, store: bench.store, clock: bench.clock };
    const { job } = await enqueueOperation(deps, { integration: 'pay', operation: 'send', payload: { text: 'no reference' } });
    bench.provider.script('send', new IntegrationError('TIMEOUT', 'no answer', { requestSent: true }));
    await drain({ ...deps, owner: 'd3', isOwnerDead: () => false }, {});
    const queries = bench.provider.callsOf('query').length;
    const [unbuildable] = await reconcile(reconcileDeps(), { ids: [job.id] });
    expect(unbuildable).toMatchObject({ status: 'unknown', detail: expect.stringMatching(/cannot build a fakepay query from the job \(query.reference: .*\); .*--as/) });
    expect(bench.provider.callsOf('query')).toHaveLength(queries);
  });
});

import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/webhooks/ingest/group-commit.js';
import type { IngestOutcome, WebhookDeliveryInput, WebhookRejectionInput, WebhookRepo } from '../../src/store/webhook-types.js';

const delivery = (n: number): WebhookDeliveryInput => ({
  integration: 'hooks',
  eventId: `e${n}`,
  receivedAt: n,
  method: 'POST',
  path: '/webhooks/hooks',
  query: {},
  headers: {},
  sourceIp: null,
  body: Buffer.from(String(n)),
});

const rejection: WebhookRejectionInput = { time: 1, integration: 'hooks', reason: 'bad-signature', status: 401, method: 'POST', path: '/', sourceIp: null, headers: {}, bodySize: 0 };

/** Records each commit call; answers with ids in order, or fails when told to. */
function fakeStore(fail?: () => boolean) {
  const calls: { deliveries: WebhookDeliveryInput[]; rejections: WebhookRejectionInput[] }[] = [];
  let next = 1;
  const webhooks = {
    async commit(batch: { deliveries: WebhookDeliveryInput[]; rejections: WebhookRejectionInput[] }): Promise<IngestOutcome[]> {
      calls.push(batch);
      if (fail?.()) throw new Error('disk full');
      return batch.deliveries.map(() => ({ id: next++, duplicate: false }));
    },
  } as unknown as WebhookRepo;
  return { calls, store: { webhooks } };
}

describe('group commit', () => {
  it('writes everything submitted in one turn of the event loop in one transaction and answers each with its own outcome', async () => {
    const { calls, store } = fakeStore();
    const commit = new GroupCommit({ store });
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map((n) => commit.deliver(delivery(n))));
    expect(calls).toHaveLength(1);
    expect(calls[0].deliveries.map((d) => d.eventId)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    expect(outcomes.map((o) => o.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('does not answer before the transaction has run', async () => {
    const { calls, store } = fakeStore();
    const commit = new GroupCommit({ store });
    let answered = false;
    const p = commit.deliver(delivery(1)).then(() => (answered = true));
    await Promise.resolve();
    expect(answered).toBe(false);
    expect(calls).toHaveLength(0);
    await p;
    expect(answered).toBe(true);
  });

  it('splits a backlog into transactions of at most maxBatch, and rejections ride along', async () => {
    const { calls, store } = fakeStore();
    const commit = new GroupCommit({ store, maxBatch: 2 });
    commit.reject(rejection);
    await Promise.all([1, 2, 3, 4, 5].map((n) => commit.deliver(delivery(n))));
    expect(calls.map((c) => c.deliveries.length)).toEqual([2, 2, 1]);
    expect(calls[0].rejections).toHaveLength(1);
    await commit.flushed();
  });

  it('fails every delivery of a failed transaction (so each gets a 503) and recovers for the next', async () => {
    let failing = true;
    const { store } = fakeStore(() => failing);
    const dropped: number[] = [];
    const commit = new GroupCommit({ store, onRejectionsDropped: (n) => dropped.push(n) });
    commit.reject(rejection);
    const results = await Promise.allSettled([commit.deliver(delivery(1)), commit.deliver(delivery(2))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(dropped).toEqual([1]);
    failing = false;
    await expect(commit.deliver(delivery(3))).resolves.toEqual({ id: 1, duplicate: false });
  });

  it('bounds the rejections waiting for a commit', async () => {
    const { calls, store } = fakeStore();
    const dropped: number[] = [];
    const commit = new GroupCommit({ store, maxPendingRejections: 3, onRejectionsDropped: (n) => dropped.push(n) });
    for (let i = 0; i < 5; i++) commit.reject(rejection);
    await commit.flushed();
    expect(calls[0].rejections).toHaveLength(3);
    expect(dropped).toEqual([1, 1]);
  });
});

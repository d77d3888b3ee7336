import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventWaiter } from '../../src/demo/event-waiter.js';
import type { StoredEvent } from '../../src/store/webhook-types.js';

const event = (id: number, type: string, externalId: string): StoredEvent => ({
  id,
  webhookId: id,
  seq: 0,
  integration: 'sms',
  type,
  externalId,
  occurredAt: null,
  data: {},
  createdAt: 0,
});

describe('demo event waiter', () => {
  afterEach(() => vi.useRealTimers());

  it('resolves with an event seen before the wait, or with the first matching one after it', async () => {
    const waiter = new EventWaiter();
    waiter.record(event(1, 'sms.delivered', 'a'));
    await expect(waiter.waitFor('a', (e) => e.externalId === 'a', 1_000)).resolves.toMatchObject({ id: 1 });
    const later = waiter.waitFor('b', (e) => e.externalId === 'b' && e.type === 'sms.delivered', 1_000);
    waiter.record(event(2, 'sms.sent', 'b'));
    waiter.record(event(3, 'sms.delivered', 'b'));
    await expect(later).resolves.toMatchObject({ id: 3 });
  });

  it('rejects at the bound, naming what did not arrive', async () => {
    vi.useFakeTimers();
    const waiter = new EventWaiter();
    const wait = waiter.waitFor('the delivery report for x', () => false, 10_000);
    const settled = expect(wait).rejects.toThrow('the delivery report for x did not arrive within 10000 ms');
    await vi.advanceTimersByTimeAsync(10_000);
    await settled;
  });

  it('close() ends the waits still open', async () => {
    const waiter = new EventWaiter();
    const wait = waiter.waitFor('x', () => false, 60_000);
    waiter.close();
    await expect(wait).rejects.toThrow(/shutting down/);
    await expect(waiter.waitFor('y', () => false, 60_000)).rejects.toThrow(/stopped waiting for y/);
  });
});

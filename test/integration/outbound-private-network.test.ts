import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { fanOut } from '../../src/webhooks/outbound/fan-out.js';
import { subscribe } from '../../src/webhooks/outbound/subscriptions.js';
import { createDeliveryWorker } from '../../src/webhooks/outbound/worker.js';
import { SUB_SECRET, paymentSucceeded, startReceiver, storeEvents, tempStorePath } from './outbound-fixtures.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setup() {
  const clock = new ManualClock(Date.now());
  const store = SqliteStore.open(tempStorePath());
  cleanup.push(() => store.close());
  const receiver = await startReceiver({ clock });
  cleanup.push(() => receiver.close());
  const emit = async () => {
    const events = await storeEvents(store, 'mpesa', [paymentSucceeded()], clock.now());
    await fanOut(store, events, { now: clock.now(), firstDelayMs: 0 });
  };
  const worker = (allowPrivateNetworks?: boolean) =>
    createDeliveryWorker({ store, clock, scheduleMs: [0], random: () => 0.5, owner: 'w', allowPrivateNetworks });
  return { clock, store, receiver, emit, worker };
}

describe('outbound deliveries never reach internal addresses unless the operator says so', () => {
  it('refuses at subscribe time every internal address form, and records the explicit allowance', async () => {
    const { store, clock } = await setup();
    const internal = [
      'http://127.0.0.1:8080/admin',
      'http://localhost/admin',
      'http://[::1]/',
      'http://0.0.0.0/',
      'http://2130706433/',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.1.2.3/',
      'http://[::ffff:127.0.0.1]/',
      'http://[fd00::1]/',
    ];
    for (const url of internal) {
      await expect(subscribe(store, { url, events: '*', secret: SUB_SECRET, now: clock.now() }), url).rejects.toThrow(
        /is refused: .* (loopback|unspecified|link-local|private|unique-local) address; pass --allow-private-network/,
      );
    }
    expect(await store.outbound.listSubscriptions()).toEqual([]);
    const { subscription } = await subscribe(store, { url: 'http://169.254.169.254/', events: '*', secret: SUB_SECRET, now: clock.now(), allowPrivateNetwork: true });
    expect(subscription.allowPrivateNetwork).toBe(true);
    expect((await store.outbound.getSubscription(subscription.id))?.allowPrivateNetwork).toBe(true);
  });

  it('checks again when connecting: a name that now resolves to loopback gets no request and no excerpt is kept', async () => {
    const { store, clock, receiver, emit, worker } = await setup();
    // As if DNS had answered a public address at subscribe time and loopback now.
    const viaName = receiver.url.replace('127.0.0.1', 'localhost');
    await store.outbound.createSubscription({ url: viaName, events: ['*'], secret: SUB_SECRET, description: null, now: clock.now() });
    await store.outbound.createSubscription({ url: receiver.url, events: ['*'], secret: SUB_SECRET, description: null, now: clock.now() });
    await emit();
    const summary = await worker().workDueDeliveries();
    expect(summary).toMatchObject({ claimed: 2, succeeded: 0, failed: 2 });
    expect(receiver.received).toHaveLength(0);
    const deliveries = await store.outbound.list({});
    const errors = [];
    for (const d of deliveries) {
      const [attempt] = await store.outbound.attempts(d.id);
      expect(attempt).toMatchObject({ responseStatus: null, responseExcerpt: null });
      errors.push(attempt.error);
    }
    expect(errors.sort()).toEqual([
      'refused: 127.0.0.1 is a loopback address (allow with webhooks.outbound.allowPrivateNetworks or subscribe --allow-private-network)',
      expect.stringMatching(/^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address \(allow with/),
    ]);
  });

  it('delivers to an internal address allowed per subscription or by webhooks.outbound.allowPrivateNetworks', async () => {
    const { store, clock, receiver, emit, worker } = await setup();
    await store.outbound.createSubscription({ url: receiver.url, events: ['*'], secret: SUB_SECRET, description: null, now: clock.now(), allowPrivateNetwork: true });
    await store.outbound.createSubscription({ url: receiver.url.replace('127.0.0.1', 'localhost'), events: ['*'], secret: SUB_SECRET, description: null, now: clock.now() });
    await emit();
    expect(await worker().workDueDeliveries()).toMatchObject({ claimed: 2, succeeded: 1, failed: 1 });
    await emit();
    expect(await worker(true).workDueDeliveries()).toMatchObject({ claimed: 2, succeeded: 2 });
    expect(receiver.received).toHaveLength(3);
  });
});

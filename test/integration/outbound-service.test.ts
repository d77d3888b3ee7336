import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { Clock } from '../../src/core/clock.js';
import { startDaemon } from '../../src/daemon/server.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { startOutboundService } from '../../src/webhooks/outbound/service.js';
import { fanOut } from '../../src/webhooks/outbound/fan-out.js';
import { subscribe } from '../../src/webhooks/outbound/subscriptions.js';
import { SUB_SECRET, paymentSucceeded, startReceiver, storeEvents } from './outbound-fixtures.js';
import { GITHUB_SECRET, tempDir, testConfig, testRegistry } from './webhooks-fixtures.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Virtual time that stands still: the loop's sleeps end only when it is woken (an event, or close). */
class StillClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private readonly at = Date.now()) {}
  now(): number {
    return this.at;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((_, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }
}

function githubSigned(body: string) {
  return { 'x-hub-signature-256': `sha256=${createHmac('sha256', GITHUB_SECRET).update(body).digest('hex')}`, 'content-type': 'application/json' };
}

describe('outbound delivery in the daemon', () => {
  it("delivers the events of a provider's webhook to the matching subscription, verified by the official package", async () => {
    const clock = new StillClock();
    const dir = tempDir();
    const registry = testRegistry();
    const config = await testConfig(dir, registry, { pay: { adapter: 'fixture-pay', webhook: { scheme: 'github', secrets: [GITHUB_SECRET] } } });
    const store = SqliteStore.open(config.store.path);
    cleanup.push(() => store.close());
    const receiver = await startReceiver({ clock });
    cleanup.push(() => receiver.close());
    await subscribe(store, { url: receiver.url, events: 'payment.*', secret: SUB_SECRET, now: clock.now(), allowPrivateNetwork: true });

    const outbound = startOutboundService({ store, clock, random: () => 0.5 });
    cleanup.push(() => outbound.close());
    const daemon = await startDaemon({ config, registry, store, clock, onEvent: outbound.onEvent });
    cleanup.push(() => daemon.close());

    const arrived = receiver.nextRequest();
    const body = JSON.stringify({ kind: 'paid', ref: 'ord_1', amount: 250 });
    const res = await request(`${daemon.url}/webhooks/pay`, { method: 'POST', body, headers: githubSigned(body) });
    await res.body.text();
    expect(res.statusCode).toBe(200);

    const delivered = await arrived;
    expect(delivered.verifyError).toBeNull();
    expect(delivered.verified).toMatchObject({ type: 'payment.succeeded', data: { integration: 'pay', externalId: 'ord_1', amount: 250 } });
    await daemon.dispatcher.idle();
    await outbound.close();
    // receipt.issued matched no subscription: one delivery, and it succeeded.
    const deliveries = await store.outbound.list({});
    expect(deliveries.map((d) => [d.eventType, d.status])).toEqual([['payment.succeeded', 'succeeded']]);
    expect(receiver.received).toHaveLength(1);
  });

  it('catches up on events a crashed process stored but never fanned out', async () => {
    const clock = new StillClock();
    const store = SqliteStore.open(`${tempDir()}/store.db`);
    cleanup.push(() => store.close());
    const receiver = await startReceiver({ clock });
    cleanup.push(() => receiver.close());
    await subscribe(store, { url: receiver.url, events: '*', secret: SUB_SECRET, now: clock.now(), allowPrivateNetwork: true });
    // Stored, announced to nobody: the process died before its listener ran.
    await storeEvents(store, 'mpesa', [paymentSucceeded(), paymentSucceeded({ type: 'sms.delivered' })], clock.now());

    const both = new Promise<void>((resolve) => {
      const check = () => (receiver.received.length >= 2 ? resolve() : void receiver.nextRequest().then(check));
      check();
    });
    const outbound = startOutboundService({ store, clock, random: () => 0.5 });
    cleanup.push(() => outbound.close());
    await both;
    await outbound.close();
    expect(receiver.received.map((r) => (r.verified as { type: string }).type).sort()).toEqual(['payment.succeeded', 'sms.delivered']);
    expect(receiver.received.every((r) => r.verifyError === null)).toBe(true);
    // Fanning the same events out again (a replay announcing them) adds nothing.
    expect(await store.outbound.list({})).toHaveLength(2);
  });

  it('sleeps until the next delivery falls due, at most the poll interval, and stops promptly on close', async () => {
    const clock = new StillClock();
    const store = SqliteStore.open(`${tempDir()}/store.db`);
    cleanup.push(() => store.close());
    const settled = async (count: number) => {
      while (clock.sleeps.length < count) await new Promise((resolve) => setImmediate(resolve));
    };
    const outbound = startOutboundService({ store, clock, pollMs: 5_000 });
    await settled(1);
    expect(clock.sleeps[0]).toBe(5_000);

    const sub = await subscribe(store, { url: 'http://127.0.0.1:9/never', events: '*', now: clock.now(), allowPrivateNetwork: true });
    await fanOut(store, [{ id: 1, webhookId: null, seq: 0, integration: 'mpesa', createdAt: clock.now(), ...paymentSucceeded() }], { now: clock.now(), firstDelayMs: 2_000 });
    expect((await store.outbound.list({ subscriptionId: sub.subscription.id }))[0].status).toBe('pending');
    // An event wakes the loop; nothing is due yet, so it sleeps until the delivery is.
    outbound.onEvent({ id: 2, webhookId: null, seq: 0, integration: 'mpesa', createdAt: clock.now(), ...paymentSucceeded({ type: 'other' }) });
    await settled(2);
    expect(clock.sleeps[1]).toBe(2_000);
    await outbound.close();
  });

  it('fans events announced together out in one transaction', async () => {
    const clock = new StillClock();
    const real = SqliteStore.open(`${tempDir()}/store.db`);
    cleanup.push(() => real.close());
    await subscribe(real, { url: 'http://127.0.0.1:9/never', events: 'payment.*', now: clock.now(), allowPrivateNetwork: true });
    const batches: number[] = [];
    const outboundRepo = Object.create(real.outbound) as typeof real.outbound;
    outboundRepo.enqueue = (input) => {
      if (input.deliveries.length) batches.push(input.deliveries.length);
      return real.outbound.enqueue(input);
    };
    // Sends nothing: the first attempt is due a minute after fan-out.
    const outbound = startOutboundService({ store: { outbound: outboundRepo, events: real.events }, clock, scheduleMs: [60_000] });
    for (let id = 1; id <= 5; id++) outbound.onEvent({ id, webhookId: null, seq: 0, integration: 'mpesa', createdAt: clock.now(), ...paymentSucceeded() });
    await outbound.close();
    expect(batches).toEqual([5]);
    expect(await real.outbound.list({ status: 'pending' })).toHaveLength(5);
  });
});

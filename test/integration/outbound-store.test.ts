import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttemptResult, NewDelivery } from '../../src/store/outbound-types.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { SUB_SECRET, paymentSucceeded, storeEvents, tempStorePath } from './outbound-fixtures.js';

const opened: SqliteStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

function open(path = tempStorePath()): SqliteStore {
  const s = SqliteStore.open(path);
  opened.push(s);
  return s;
}

const T0 = Date.UTC(2026, 0, 1);
const ok: AttemptResult = { responseStatus: 200, latencyMs: 12, responseExcerpt: 'ok', error: null };
const boom: AttemptResult = { responseStatus: 500, latencyMs: 30, responseExcerpt: 'boom', error: 'HTTP 500' };

async function subscription(s: SqliteStore, events = ['payment.*']) {
  return s.outbound.createSubscription({ url: 'http://127.0.0.1:9/hooks', events, secret: SUB_SECRET, description: null, now: T0 });
}

const delivery = (subscriptionId: number, eventId: number, over: Partial<NewDelivery> = {}): NewDelivery => ({
  subscriptionId,
  eventId,
  messageId: `msg_${subscriptionId}_${eventId}`,
  eventType: 'payment.succeeded',
  integration: 'mpesa',
  payload: '{"type":"payment.succeeded"}',
  runAt: T0,
  ...over,
});

describe('outbound store: subscriptions', () => {
  it('creates, lists and soft-removes subscriptions; removal wipes the secret and keeps the row for history', async () => {
    const s = open();
    const a = await subscription(s, ['payment.*', 'sms.delivered']);
    const b = await subscription(s);
    expect(a).toMatchObject({ url: 'http://127.0.0.1:9/hooks', events: ['payment.*', 'sms.delivered'], removedAt: null });
    expect(a).not.toHaveProperty('secret');
    expect((await s.outbound.listSubscriptions()).map((x) => x.id)).toEqual([a.id, b.id]);

    expect(await s.outbound.removeSubscription(a.id, T0 + 1)).toEqual({ removed: true, cancelled: 0 });
    expect(await s.outbound.removeSubscription(a.id, T0 + 2)).toEqual({ removed: false, cancelled: 0 });
    expect((await s.outbound.listSubscriptions()).map((x) => x.id)).toEqual([b.id]);
    expect((await s.outbound.getSubscription(a.id))?.removedAt).toBe(T0 + 1);
    const raw = s.db.prepare('SELECT secret FROM subscriptions WHERE id = ?').get(a.id) as { secret: string };
    expect(raw.secret).toBe('');
  });
});

describe('outbound store: deliveries', () => {
  it('enqueues once per (event, subscription), and never for a removed subscription', async () => {
    const s = open();
    const a = await subscription(s);
    const b = await subscription(s);
    expect(await s.outbound.enqueue({ deliveries: [delivery(a.id, 1), delivery(b.id, 1)], now: T0 })).toBe(2);
    expect(await s.outbound.enqueue({ deliveries: [delivery(a.id, 1, { messageId: 'msg_other' })], now: T0 })).toBe(0);
    await s.outbound.removeSubscription(b.id, T0);
    expect(await s.outbound.enqueue({ deliveries: [delivery(b.id, 2)], now: T0 })).toBe(0);
    expect((await s.outbound.list({})).map((d) => [d.subscriptionId, d.eventId, d.messageId])).toEqual([
      [a.id, 1, `msg_${a.id}_1`],
      [b.id, 1, `msg_${b.id}_1`],
    ].reverse());
  });

  it('claims due deliveries with a lease and an open attempt; a second claim gets nothing', async () => {
    const s = open();
    const sub = await subscription(s);
    await s.outbound.enqueue({ deliveries: [delivery(sub.id, 1), delivery(sub.id, 2, { runAt: T0 + 60_000 })], now: T0 });
    const claimed = await s.outbound.claim({ owner: 'w1', now: T0, leaseMs: 30_000, limit: 10 });
    expect(claimed).toHaveLength(1);
    expect(claimed[0]).toMatchObject({ eventId: 1, status: 'leased', leaseOwner: 'w1', leaseUntil: T0 + 30_000, attempts: 1, attemptNumber: 1, secret: SUB_SECRET });
    expect(await s.outbound.claim({ owner: 'w2', now: T0 + 1, leaseMs: 30_000, limit: 10 })).toEqual([]);
    expect(await s.outbound.attempts(claimed[0].id)).toMatchObject([{ attempt: 1, owner: 'w1', outcome: null, url: sub.url }]);
    expect(await s.outbound.nextDueAt()).toBe(T0 + 30_000);
  });

  it('re-offers a delivery whose lease expired and marks the abandoned attempt', async () => {
    const s = open();
    const sub = await subscription(s);
    await s.outbound.enqueue({ deliveries: [delivery(sub.id, 1)], now: T0 });
    const [first] = await s.outbound.claim({ owner: 'dead', now: T0, leaseMs: 30_000, limit: 1 });
    expect(await s.outbound.claim({ owner: 'w2', now: T0 + 29_999, leaseMs: 30_000, limit: 1 })).toEqual([]);
    const [again] = await s.outbound.claim({ owner: 'w2', now: T0 + 30_000, leaseMs: 30_000, limit: 1 });
    expect(again).toMatchObject({ id: first.id, leaseOwner: 'w2', attempts: 2, attemptNumber: 2 });
    const attempts = await s.outbound.attempts(first.id);
    expect(attempts.map((a) => [a.owner, a.outcome])).toEqual([
      ['dead', 'abandoned'],
      ['w2', null],
    ]);
    expect(attempts[0].error).toMatch(/lease expired/);

    // The first holder finishing late records what it saw, but decides nothing.
    expect(await s.outbound.settle({ id: first.id, attemptId: first.attemptId }, 'dead', T0 + 31_000, { status: 'succeeded', result: ok })).toBe(false);
    expect((await s.outbound.get(first.id))?.status).toBe('leased');
    expect((await s.outbound.attempts(first.id))[0]).toMatchObject({ outcome: 'abandoned', responseStatus: 200, responseExcerpt: 'ok' });
  });

  it('settles: retry reschedules, succeeded and failed finish; each attempt keeps status, latency and excerpt', async () => {
    const s = open();
    const sub = await subscription(s);
    await s.outbound.enqueue({ deliveries: [delivery(sub.id, 1), delivery(sub.id, 2)], now: T0 });
    const [a, b] = await s.outbound.claim({ owner: 'w', now: T0, leaseMs: 30_000, limit: 2 });
    expect(await s.outbound.settle(a, 'w', T0 + 100, { status: 'retry', runAt: T0 + 5_000, result: boom })).toBe(true);
    expect(await s.outbound.settle(b, 'w', T0 + 100, { status: 'failed', result: boom })).toBe(true);
    expect(await s.outbound.get(a.id)).toMatchObject({ status: 'pending', runAt: T0 + 5_000, lastResponseStatus: 500, lastError: 'HTTP 500', finishedAt: null, leaseOwner: null });
    expect(await s.outbound.get(b.id)).toMatchObject({ status: 'failed', finishedAt: T0 + 100 });

    const [again] = await s.outbound.claim({ owner: 'w', now: T0 + 5_000, leaseMs: 30_000, limit: 5 });
    expect(again).toMatchObject({ id: a.id, attempts: 2, attemptNumber: 2 });
    expect(await s.outbound.settle(again, 'w', T0 + 5_100, { status: 'succeeded', result: ok })).toBe(true);
    expect(await s.outbound.get(a.id)).toMatchObject({ status: 'succeeded', lastResponseStatus: 200, lastError: null, finishedAt: T0 + 5_100 });
    expect((await s.outbound.attempts(a.id)).map((x) => [x.attempt, x.outcome, x.responseStatus, x.latencyMs, x.responseExcerpt])).toEqual([
      [1, 'retry', 500, 30, 'boom'],
      [2, 'succeeded', 200, 12, 'ok'],
    ]);
    expect(await s.outbound.nextDueAt()).toBeNull();
  });

  it('removing a subscription cancels its waiting and in-flight deliveries', async () => {
    const s = open();
    const sub = await subscription(s);
    await s.outbound.enqueue({ deliveries: [delivery(sub.id, 1), delivery(sub.id, 2)], now: T0 });
    const [leased] = await s.outbound.claim({ owner: 'w', now: T0, leaseMs: 30_000, limit: 1 });
    // What `subscriptions remove` asks about is exactly what it then cancels.
    expect(await s.outbound.countWaiting(sub.id)).toBe(2);
    expect(await s.outbound.removeSubscription(sub.id, T0 + 10)).toEqual({ removed: true, cancelled: 2 });
    expect(await s.outbound.countWaiting(sub.id)).toBe(0);
    expect((await s.outbound.list({ status: 'cancelled' })).length).toBe(2);
    expect((await s.outbound.attempts(leased.id))[0]).toMatchObject({ outcome: 'abandoned', error: 'subscription removed' });
    expect(await s.outbound.settle(leased, 'w', T0 + 20, { status: 'succeeded', result: ok })).toBe(false);
    expect(await s.outbound.claim({ owner: 'w', now: T0 + 60_000, leaseMs: 30_000, limit: 5 })).toEqual([]);
  });

  it('redelivers finished deliveries with a fresh schedule, refusing waiting ones and removed subscriptions', async () => {
    const s = open();
    const sub = await subscription(s);
    const gone = await subscription(s);
    await s.outbound.enqueue({ deliveries: [delivery(sub.id, 1), delivery(sub.id, 2), delivery(sub.id, 3), delivery(gone.id, 1)], now: T0 });
    const claimed = await s.outbound.claim({ owner: 'w', now: T0, leaseMs: 30_000, limit: 2 });
    await s.outbound.settle(claimed[0], 'w', T0, { status: 'failed', result: boom });
    await s.outbound.settle(claimed[1], 'w', T0, { status: 'succeeded', result: ok });
    await s.outbound.removeSubscription(gone.id, T0);
    const goneId = (await s.outbound.list({ subscriptionId: gone.id }))[0].id;
    const waiting = (await s.outbound.list({ status: 'pending' }))[0].id;

    const out = await s.outbound.redeliver([claimed[0].id, claimed[1].id, waiting, goneId, 999], T0 + 1_000);
    expect(out.redelivered).toEqual([claimed[0].id, claimed[1].id]);
    expect(out.refused.map((r) => r.id)).toEqual([waiting, goneId, 999]);
    expect(out.refused[0].reason).toMatch(/waiting to be sent/);
    expect(out.refused[1].reason).toMatch(/removed/);
    expect(out.refused[2].reason).toMatch(/no delivery 999/);
    expect(await s.outbound.get(claimed[0].id)).toMatchObject({ status: 'pending', attempts: 0, runAt: T0 + 1_000, finishedAt: null });
    // The message id stays, so a receiver that already has it can tell.
    expect((await s.outbound.get(claimed[0].id))?.messageId).toBe(claimed[0].messageId);
    const next = (await s.outbound.claim({ owner: 'w', now: T0 + 1_000, leaseMs: 30_000, limit: 5 })).find((d) => d.id === claimed[0].id);
    expect(next?.attemptNumber).toBe(2);
    expect(next?.attempts).toBe(1);
  });

  it('redelivers failed deliveries finished since a time', async () => {
    const s = open();
    const sub = await subscription(s);
    await s.outbound.enqueue({ deliveries: [delivery(sub.id, 1), delivery(sub.id, 2)], now: T0 });
    const [old, recent] = await s.outbound.claim({ owner: 'w', now: T0, leaseMs: 30_000, limit: 2 });
    await s.outbound.settle(old, 'w', T0 + 1_000, { status: 'failed', result: boom });
    await s.outbound.settle(recent, 'w', T0 + 9_000, { status: 'failed', result: boom });
    expect(await s.outbound.redeliverFailed({ sinceMs: T0 + 5_000, now: T0 + 10_000 })).toEqual([recent.id]);
    expect(await s.outbound.redeliverFailed({ now: T0 + 10_000 })).toEqual([old.id]);
  });

  it('starts the fan-out cursor at the events already stored when the migration runs', async () => {
    const path = tempStorePath();
    const s = open(path);
    expect(await s.outbound.fanOutCursor()).toBe(0);
    const events = await storeEvents(s, 'mpesa', [paymentSucceeded(), paymentSucceeded()], T0);
    await s.outbound.enqueue({ deliveries: [], now: T0, cursor: events[0].id });
    await s.outbound.enqueue({ deliveries: [], now: T0, cursor: events[0].id - 1 });
    expect(await s.outbound.fanOutCursor()).toBe(events[0].id);

    // A store that had events before outbound existed: the cursor begins after them.
    await s.close();
    const db = new Database(path);
    db.exec('DROP TABLE delivery_attempts; DROP TABLE deliveries; DROP TABLE subscriptions; DROP TABLE outbound_cursor; DELETE FROM schema_migrations WHERE version IN (4, 5)');
    db.close();
    const reopened = open(path);
    expect(await reopened.outbound.fanOutCursor()).toBe(events[1].id);
  });
});

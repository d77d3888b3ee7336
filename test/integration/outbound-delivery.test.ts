import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { fanOut } from '../../src/webhooks/outbound/fan-out.js';
import { subscribe } from '../../src/webhooks/outbound/subscriptions.js';
import { createDeliveryWorker, type DeliveryWorkerOptions } from '../../src/webhooks/outbound/worker.js';
import { SUB_SECRET, paymentSucceeded, startReceiver, storeEvents, tempStorePath, type Receiver } from './outbound-fixtures.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const SCHEDULE = [0, 5_000, 300_000];

interface Racer {
  ready: Promise<void>;
  go(): void;
  done: Promise<{ claimed: number; succeeded: number }>;
}

/** A delivery worker in its own process (outbound-race-worker.ts) on the same store file. */
function startRacer(path: string, owner: string): Racer {
  const child = spawn(process.execPath, ['--import', 'jiti/register', fileURLToPath(new URL('./outbound-race-worker.ts', import.meta.url)), path, owner], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  cleanup.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.startsWith('ready\n')) resolve();
    });
    child.once('exit', () => reject(new Error(`racer ${owner} exited before it was ready: ${err}`)));
  });
  const done = new Promise<{ claimed: number; succeeded: number }>((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`racer ${owner} exited ${code}: ${err}`));
      resolve(JSON.parse(out.split('\n')[1]) as { claimed: number; succeeded: number });
    });
  });
  return { ready, go: () => child.stdin.end('go\n'), done };
}

async function setup(options: { schedule?: number[]; events?: string } = {}) {
  // Near real time: the official package checks webhook-timestamp against Date.now(), which the receiver sets to this clock.
  const clock = new ManualClock(Date.now());
  const path = tempStorePath();
  const store = SqliteStore.open(path);
  cleanup.push(() => store.close());
  const receiver = await startReceiver({ clock });
  cleanup.push(() => receiver.close());
  const { subscription } = await subscribe(store, { url: receiver.url, events: options.events ?? 'payment.*,sms.delivered', secret: SUB_SECRET, now: clock.now(), allowPrivateNetwork: true });
  const worker = (over: Partial<DeliveryWorkerOptions> = {}) =>
    createDeliveryWorker({ store, clock, scheduleMs: options.schedule ?? SCHEDULE, random: () => 0.5, owner: 'worker-1', ...over });
  const emit = async (type = 'payment.succeeded') => {
    const events = await storeEvents(store, 'mpesa', [paymentSucceeded({ type })], clock.now());
    await fanOut(store, events, { now: clock.now(), firstDelayMs: (options.schedule ?? SCHEDULE)[0] });
    return events[0];
  };
  return { clock, path, store, receiver, subscription, worker, emit };
}

function expectVerified(receiver: Receiver) {
  expect(receiver.received.length).toBeGreaterThan(0);
  for (const r of receiver.received) {
    expect(r.verifyError).toBeNull();
    expect(r.verified).toMatchObject({ type: expect.any(String), timestamp: expect.any(String), data: expect.any(Object) });
  }
}

describe('outbound delivery to a real receiver', () => {
  it('fans an event out to matching subscriptions only, and sends each a request the official package verifies', async () => {
    const { store, receiver, worker, emit, clock } = await setup();
    const other = await startReceiver({ clock });
    cleanup.push(() => other.close());
    await subscribe(store, { url: other.url, events: 'sms.*', secret: SUB_SECRET, now: clock.now(), allowPrivateNetwork: true });

    const event = await emit('payment.succeeded');
    const summary = await worker().workDueDeliveries();
    expect(summary).toMatchObject({ claimed: 1, succeeded: 1, retried: 0, failed: 0, lost: 0 });
    expect(other.received).toHaveLength(0);
    expectVerified(receiver);
    const [request] = receiver.received;
    expect(request.verified).toEqual({
      type: 'payment.succeeded',
      timestamp: '2026-01-02T03:04:05.000Z',
      data: { integration: 'mpesa', externalId: 'ws_CO_1', amount: 100, currency: 'KES' },
    });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['webhook-timestamp']).toBe(String(Math.floor(clock.now() / 1000)));
    const [delivery] = await store.outbound.list({});
    expect(delivery).toMatchObject({ eventId: event.id, status: 'succeeded', lastResponseStatus: 200 });
    expect(request.headers['webhook-id']).toBe(delivery.messageId);
    // Nothing in the request carries the secret itself.
    expect(JSON.stringify(request)).not.toContain(SUB_SECRET.slice(6));
  });

  it('retries a failing receiver on the schedule, recording every attempt, then succeeds with the same webhook-id', async () => {
    const { store, receiver, worker, emit, clock } = await setup();
    await emit();
    receiver.answer({ kind: 'status', status: 500, body: 'database down' });
    const w = worker();
    expect(await w.workDueDeliveries()).toMatchObject({ claimed: 1, retried: 1 });
    const [afterFirst] = await store.outbound.list({});
    expect(afterFirst).toMatchObject({ status: 'pending', runAt: clock.now() + 5_000, lastResponseStatus: 500, lastError: 'HTTP 500' });

    // Not due yet: nothing is sent.
    clock.advance(4_999);
    expect(await w.workDueDeliveries()).toMatchObject({ claimed: 0 });
    clock.advance(1);
    receiver.answer({ kind: 'status', status: 204 });
    expect(await w.workDueDeliveries()).toMatchObject({ claimed: 1, succeeded: 1 });

    expect(receiver.received).toHaveLength(2);
    expectVerified(receiver);
    expect(receiver.received[0].headers['webhook-id']).toBe(receiver.received[1].headers['webhook-id']);
    // Each attempt is signed at its own time.
    expect(Number(receiver.received[1].headers['webhook-timestamp']) - Number(receiver.received[0].headers['webhook-timestamp'])).toBe(5);
    const attempts = await store.outbound.attempts(afterFirst.id);
    expect(attempts.map((a) => [a.attempt, a.outcome, a.responseStatus, a.responseExcerpt, a.error])).toEqual([
      [1, 'retry', 500, 'database down', 'HTTP 500'],
      [2, 'succeeded', 204, null, null],
    ]);
    for (const a of attempts) expect(a.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('fails a delivery once the schedule is spent', async () => {
    const { store, receiver, worker, emit, clock } = await setup();
    await emit();
    receiver.answer({ kind: 'status', status: 503 });
    const w = worker();
    expect(await w.workDueDeliveries()).toMatchObject({ retried: 1 });
    clock.advance(5_000);
    expect(await w.workDueDeliveries()).toMatchObject({ retried: 1 });
    clock.advance(300_000);
    expect(await w.workDueDeliveries()).toMatchObject({ claimed: 1, failed: 1 });
    clock.advance(86_400_000);
    expect(await w.workDueDeliveries()).toMatchObject({ claimed: 0 });
    const [delivery] = await store.outbound.list({});
    expect(delivery).toMatchObject({ status: 'failed', attempts: 3, finishedAt: clock.now() - 86_400_000 });
    expect((await store.outbound.attempts(delivery.id)).map((a) => a.outcome)).toEqual(['retry', 'retry', 'failed']);
    expect(receiver.received).toHaveLength(3);
    expectVerified(receiver);
  });

  it('honours Retry-After from a 429, within the bounds of the schedule', async () => {
    const { store, receiver, worker, emit, clock } = await setup();
    await emit();
    receiver.answer({ kind: 'status', status: 429, headers: { 'retry-after': '120' }, body: 'slow down' });
    await worker().workDueDeliveries();
    const [delivery] = await store.outbound.list({});
    expect(delivery.runAt).toBe(clock.now() + 120_000);

    // Asking for a day is capped at the longest delay of the schedule.
    receiver.answer({ kind: 'status', status: 429, headers: { 'retry-after': '86400' } });
    clock.advance(120_000);
    await worker().workDueDeliveries();
    expect((await store.outbound.get(delivery.id))?.runAt).toBe(clock.now() + 300_000);
    expect((await store.outbound.attempts(delivery.id)).map((a) => a.responseStatus)).toEqual([429, 429]);
  });

  it('gives up on a receiver that hangs at the deadline and retries it later', async () => {
    const { store, receiver, worker, emit } = await setup();
    await emit();
    receiver.answer({ kind: 'hang' });
    const deadline = new AbortController();
    // The receiver holding the request is the moment the (virtual) timeout passes.
    void receiver.nextRequest().then(() => deadline.abort(new Error('timeout')));
    const summary = await worker({ deadline: () => deadline.signal, timeoutMs: 15_000 }).workDueDeliveries();
    expect(summary).toMatchObject({ claimed: 1, retried: 1 });
    const [delivery] = await store.outbound.list({});
    const [attempt] = await store.outbound.attempts(delivery.id);
    expect(attempt).toMatchObject({ outcome: 'retry', responseStatus: null });
    expect(attempt.error).toMatch(/did not answer within 15000 ms/);
    expectVerified(receiver);
  });

  it('records a refused connection as a failed attempt and keeps the excerpt of long answers to 1 KB', async () => {
    const { store, receiver, worker, emit, clock } = await setup();
    receiver.answer({ kind: 'status', status: 400, body: 'é'.repeat(5_000) });
    await emit();
    await worker().workDueDeliveries();
    const [delivery] = await store.outbound.list({});
    const [first] = await store.outbound.attempts(delivery.id);
    expect(Buffer.byteLength(first.responseExcerpt ?? '')).toBeLessThanOrEqual(1024);
    expect(first.responseExcerpt).toMatch(/^é+$/);

    await receiver.close();
    clock.advance(5_000);
    await worker().workDueDeliveries();
    const attempts = await store.outbound.attempts(delivery.id);
    expect(attempts[1]).toMatchObject({ outcome: 'retry', responseStatus: null });
    expect(attempts[1].error).toMatch(/refused/);
  });

  it('does not follow redirects', async () => {
    const { store, receiver, worker, emit } = await setup();
    const target = await startReceiver({ clock: new ManualClock(Date.now()) });
    cleanup.push(() => target.close());
    receiver.answer({ kind: 'status', status: 307, headers: { location: target.url } });
    await emit();
    expect(await worker().workDueDeliveries()).toMatchObject({ retried: 1 });
    expect(target.received).toHaveLength(0);
    const [delivery] = await store.outbound.list({});
    expect(delivery.lastError).toMatch(/redirects are not followed/);
  });

  it('redelivers a failed delivery with a fresh schedule and the same webhook-id', async () => {
    const { store, receiver, worker, emit, clock } = await setup({ schedule: [0] });
    await emit();
    receiver.answer({ kind: 'status', status: 500 });
    expect(await worker().workDueDeliveries()).toMatchObject({ failed: 1 });
    const [delivery] = await store.outbound.list({});
    receiver.answer({ kind: 'status', status: 200 });
    clock.advance(60_000);
    expect(await store.outbound.redeliverFailed({ now: clock.now() })).toEqual([delivery.id]);
    expect(await worker().workDueDeliveries()).toMatchObject({ claimed: 1, succeeded: 1 });
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([delivery.messageId, delivery.messageId]);
    expectVerified(receiver);
    expect((await store.outbound.attempts(delivery.id)).map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
  });

  it('worker processes racing over the same deliveries never send one twice', async () => {
    const { path, store, receiver, emit } = await setup();
    for (let i = 0; i < 60; i++) await emit(i % 2 ? 'payment.succeeded' : 'sms.delivered');
    const racers = ['racer-a', 'racer-b', 'racer-c'].map((owner) => startRacer(path, owner));
    await Promise.all(racers.map((r) => r.ready));
    for (const r of racers) r.go();
    const summaries = await Promise.all(racers.map((r) => r.done));
    expect(summaries.reduce((n, s) => n + s.claimed, 0)).toBe(60);
    expect(summaries.reduce((n, s) => n + s.succeeded, 0)).toBe(60);
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    expectVerified(receiver);
    expect(await store.outbound.list({ status: 'succeeded', limit: 100 })).toHaveLength(60);
  });

  it('a lease that expires (its worker died mid-attempt) re-offers the delivery to another worker', async () => {
    const { store, receiver, worker, emit, clock } = await setup();
    await emit();
    // A worker claims and dies before sending or settling.
    const [stranded] = await store.outbound.claim({ owner: 'dead-worker', now: clock.now(), leaseMs: 60_000, limit: 1 });
    expect(await worker({ owner: 'w2' }).workDueDeliveries()).toMatchObject({ claimed: 0 });
    clock.advance(60_000);
    expect(await worker({ owner: 'w2' }).workDueDeliveries()).toMatchObject({ claimed: 1, succeeded: 1 });
    expect(receiver.received).toHaveLength(1);
    expectVerified(receiver);
    expect((await store.outbound.attempts(stranded.id)).map((a) => [a.owner, a.outcome])).toEqual([
      ['dead-worker', 'abandoned'],
      ['w2', 'succeeded'],
    ]);
  });

  it('stops claiming at the limit and when the signal aborts', async () => {
    const { store, worker, emit } = await setup();
    for (let i = 0; i < 5; i++) await emit();
    expect(await worker().workDueDeliveries({ limit: 2 })).toMatchObject({ claimed: 2 });
    const stop = new AbortController();
    stop.abort();
    expect(await worker().workDueDeliveries({ signal: stop.signal })).toMatchObject({ claimed: 0 });
    expect(await store.outbound.list({ status: 'pending' })).toHaveLength(3);
  });
});

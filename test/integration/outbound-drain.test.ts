import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { drainDeliveries } from '../../src/webhooks/outbound/drain.js';
import { subscribe } from '../../src/webhooks/outbound/subscriptions.js';
import { projectWithConfig, runCli } from '../unit/cli-fixture.js';
import { SUB_SECRET, paymentSucceeded, startReceiver, storeEvents, tempStorePath } from './outbound-fixtures.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe('outbound deliveries worked by queue drain', () => {
  it('fans out events no process announced, then sends what is due, up to the limit', async () => {
    const clock = new ManualClock(Date.now());
    const store = SqliteStore.open(tempStorePath());
    cleanup.push(() => store.close());
    const receiver = await startReceiver({ clock });
    cleanup.push(() => receiver.close());
    await subscribe(store, { url: receiver.url, events: 'payment.*', secret: SUB_SECRET, now: clock.now(), allowPrivateNetwork: true });
    await storeEvents(store, 'mpesa', [paymentSucceeded(), paymentSucceeded({ type: 'payment.failed' }), paymentSucceeded({ type: 'sms.sent' })], clock.now());

    const deps = { store, clock, config: { webhooks: { deliveryScheduleMs: [0, 60_000] } }, worker: { random: () => 0.5 } };
    expect(await drainDeliveries(deps, { limit: 1 })).toMatchObject({ fannedOut: 2, claimed: 1, succeeded: 1 });
    receiver.answer({ kind: 'status', status: 500 });
    // The cursor moved: nothing is fanned out twice.
    expect(await drainDeliveries(deps)).toMatchObject({ fannedOut: 0, claimed: 1, retried: 1 });
    const retrying = (await store.outbound.list({ status: 'pending' }))[0];
    // The configured schedule decides the next attempt.
    expect(retrying.runAt).toBe(clock.now() + 60_000);
    expect(receiver.received.map((r) => r.verifyError)).toEqual([null, null]);
  });
});

describe('integrations queue drain', () => {
  it('sends due deliveries after the jobs and reports them, in text and under --json', async () => {
    const cwd = projectWithConfig({ store: { path: 'store.db' }, integrations: {} });
    const clock = new ManualClock(Date.now());
    const receiver = await startReceiver({ clock });
    cleanup.push(() => receiver.close());
    const store = SqliteStore.open(join(cwd, 'store.db'));
    cleanup.push(() => store.close());
    await subscribe(store, { url: receiver.url, events: '*', secret: SUB_SECRET, now: clock.now(), allowPrivateNetwork: true });
    await storeEvents(store, 'mpesa', [paymentSucceeded(), paymentSucceeded({ type: 'sms.delivered' })], clock.now());

    const text = await runCli(['queue', 'drain'], { cwd, clock });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/webhook deliveries: 2 sent: 2 delivered, 0 rescheduled, 0 failed/);
    expect(receiver.received.map((r) => r.verifyError)).toEqual([null, null]);

    await storeEvents(store, 'mpesa', [paymentSucceeded()], clock.now());
    receiver.answer({ kind: 'status', status: 503 });
    const json = await runCli(['--json', 'queue', 'drain'], { cwd, clock });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ claimed: 0, deliveries: { fannedOut: 1, claimed: 1, retried: 1, succeeded: 0 } });
  });
});

describe('webhooks replay fans replayed events out to subscriptions', () => {
  it('creates deliveries for the events a replay produces, once however often it is replayed', async () => {
    const secret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
    const cwd = projectWithConfig({
      store: { path: 'store.db' },
      integrations: { hooks: { adapter: 'webhook', config: { eventTypePath: 'type' }, webhook: { scheme: 'standard-webhooks', secrets: [secret] } } },
    });
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    const cli = (...argv: string[]) => runCli(argv, { cwd, clock });
    expect((await cli('webhooks', 'subscribe', '--url', 'https://example.com/in', '--events', 'hooks.invoice.*')).code).toBe(0);

    const store = SqliteStore.open(join(cwd, 'store.db'));
    cleanup.push(() => store.close());
    const [stored] = await store.webhooks.commit({
      deliveries: [
        {
          integration: 'hooks',
          eventId: 'msg_in_1',
          receivedAt: clock.now(),
          method: 'POST',
          path: '/webhooks/hooks',
          query: {},
          headers: { 'content-type': 'application/json' },
          sourceIp: '127.0.0.1',
          body: Buffer.from(JSON.stringify({ type: 'invoice.paid', id: 'in_1' })),
        },
      ],
      rejections: [],
    });

    for (let i = 0; i < 2; i++) {
      const replay = await cli('webhooks', 'replay', String(stored.id));
      expect(replay.code).toBe(0);
    }
    const deliveries = JSON.parse((await cli('--json', 'webhooks', 'deliveries')).stdout) as { type: string; status: string }[];
    expect(deliveries).toEqual([expect.objectContaining({ type: 'hooks.invoice.paid', status: 'pending', integration: 'hooks' })]);
  });
});

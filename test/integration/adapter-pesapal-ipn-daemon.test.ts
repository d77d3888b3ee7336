import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import pesapal from '../../adapters/pesapal/index.js';
import { PesapalSimulator } from '../../adapters/pesapal/simulator.js';
import { IPN_REPEAT_WINDOW_MS } from '../../adapters/pesapal/webhook.js';
import { ManualClock } from '../../src/core/clock.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/server.js';
import type { SqliteStore } from '../../src/store/sqlite/store.js';
import type { StoredEvent } from '../../src/store/webhook-types.js';
import { replayWebhooks } from '../../src/webhooks/replay.js';
import { WebhookEndpoints } from '../../src/webhooks/ingest/endpoints.js';
import { harness, type Harness } from './payment-adapter-harness.js';
import { openTempStore, tempDir, testConfig, testRegistry } from './webhooks-fixtures.js';

const TOKEN = 'pp-ipn-token-5f1c9a7e';
const order = (reference: string) => ({ amount: 1500, reference, description: `Order ${reference}`, customer: { email: 'wanjiru@example.com', phone: '0712345678', firstName: 'Wanjiru' } });

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('pesapal IPNs registered for GET, through the daemon', () => {
  let clock: ManualClock;
  let sim: PesapalSimulator;
  let daemon: RunningDaemon;
  let store: SqliteStore;
  let h: Harness;
  let events: StoredEvent[];
  let config: Awaited<ReturnType<typeof testConfig>>;
  const registry = testRegistry();

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    const port = await freePort();
    sim = await PesapalSimulator.start({ clock, callbackUrl: `http://127.0.0.1:${port}/webhooks/pp/${TOKEN}` });
    const dir = tempDir();
    const adapterConfig = { ...sim.config, ipnNotificationType: 'GET' };
    config = await testConfig(dir, registry, { pp: { adapter: 'pesapal', config: adapterConfig, webhook: { scheme: 'token', secrets: [TOKEN] } } });
    store = openTempStore(dir);
    events = [];
    // The writer thread, as in production: the answer goes out after the commit on its own connection.
    daemon = await startDaemon({ config, registry, store, clock, port, onEvent: (e) => void events.push(e) });
    h = harness(pesapal, adapterConfig, { clock });
  });

  afterEach(async () => {
    await sim.close();
    await daemon.close();
    await store.close();
    await h.close();
  });

  it('are verified, stored before the answer, answered with the echo Pesapal expects, and processed to payment.notified', async () => {
    const { orderTrackingId } = await h.run('charge', order('ORD-GET-1'));
    expect(sim.received('/URLSetup/RegisterIPN')[0].parsed).toMatchObject({ ipn_notification_type: 'GET' });
    const { delivery } = await sim.complete(orderTrackingId, 'COMPLETED');

    expect(delivery.method).toBe('GET');
    expect(delivery.status).toBe(200);
    expect(JSON.parse(delivery.answer!)).toEqual({ orderNotificationType: 'IPNCHANGE', orderTrackingId, orderMerchantReference: 'ORD-GET-1', status: 200 });
    // Answered means committed: the row is there before processing has run.
    const [row] = await store.webhooks.list({});
    expect(row).toMatchObject({ integration: 'pp', eventId: expect.stringContaining(orderTrackingId) });

    await daemon.settled();
    const stored = (await store.webhooks.get(row.id))!;
    expect(stored).toMatchObject({ method: 'GET', status: 'processed', path: '/webhooks/pp/[REDACTED]' });
    expect(stored.query).toEqual({ OrderTrackingId: orderTrackingId, OrderMerchantReference: 'ORD-GET-1', OrderNotificationType: 'IPNCHANGE' });
    expect(stored.body.length).toBe(0);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'payment.notified',
      externalId: orderTrackingId,
      data: { orderTrackingId, reference: 'ORD-GET-1', confirmWith: { operation: 'query', payload: { orderTrackingId } } },
    });

    // Replayed from the stored request (query, no body), it parses the same.
    const replay = await replayWebhooks({ ids: [row.id] }, { store, endpoints: await WebhookEndpoints.load(config, registry), clock });
    expect(replay.items[0]).toMatchObject({ status: 'processed', events: [{ type: 'payment.notified', externalId: orderTrackingId }] });
  });

  it('a repeat within the window is acknowledged as a duplicate and not processed again; a later notification is', async () => {
    const { orderTrackingId } = await h.run('charge', order('ORD-GET-2'));
    const { delivery } = await sim.complete(orderTrackingId, 'FAILED');
    const again = await request(delivery.url);
    expect(again.statusCode).toBe(200);
    expect(await again.body.json()).toEqual({ orderNotificationType: 'IPNCHANGE', orderTrackingId, orderMerchantReference: 'ORD-GET-2', status: 200 });
    await daemon.settled();
    expect(await store.webhooks.list({})).toHaveLength(1);
    expect(events).toHaveLength(1);

    // The customer pays after all: Pesapal notifies again with the same three fields.
    clock.advance(IPN_REPEAT_WINDOW_MS);
    const later = await sim.complete(orderTrackingId, 'COMPLETED');
    expect(later.delivery.status).toBe(200);
    await daemon.settled();
    expect(await store.webhooks.list({})).toHaveLength(2);
    expect(events.map((e) => e.externalId)).toEqual([orderTrackingId, orderTrackingId]);
  });

  it('are verified as the POST IPN is: without the path token or with a wrong one, 401 and recorded as rejected', async () => {
    const query = 'OrderTrackingId=abc&OrderMerchantReference=r&OrderNotificationType=IPNCHANGE';
    const missing = await request(`${daemon.url}/webhooks/pp?${query}`);
    const wrong = await request(`${daemon.url}/webhooks/pp/guessed-token?${query}`);
    expect([missing.statusCode, wrong.statusCode]).toEqual([401, 401]);
    await missing.body.dump();
    await wrong.body.dump();
    await daemon.settled();
    expect((await store.webhooks.rejections({})).map((r) => [r.method, r.reason]).sort()).toEqual([
      ['GET', 'bad-token'],
      ['GET', 'missing-token'],
    ]);
    expect(await store.webhooks.list({})).toEqual([]);
  });

  it('a POST IPN gets the same echoed answer', async () => {
    const body = JSON.stringify({ OrderTrackingId: 'trk-post', OrderMerchantReference: 'ORD-POST', OrderNotificationType: 'IPNCHANGE' });
    const res = await request(`${daemon.url}/webhooks/pp/${TOKEN}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ orderNotificationType: 'IPNCHANGE', orderTrackingId: 'trk-post', orderMerchantReference: 'ORD-POST', status: 200 });
  });
});

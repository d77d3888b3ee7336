import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import razorpay from '../../adapters/razorpay/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/server.js';
import type { SqliteStore } from '../../src/store/sqlite/store.js';
import { openTempStore, tempDir, testConfig, testRegistry } from './webhooks-fixtures.js';

/**
 * Razorpay signs the body only; X-Razorpay-Event-Id beside it is not signed.
 * A captured callback re-sent with a new event id is the same callback: a
 * duplicate, even though the adapter reads that header for its event id.
 */
const SECRET = 'rzp-webhook-secret-1';
const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
const running: { daemon: RunningDaemon; store: SqliteStore }[] = [];

afterEach(async () => {
  for (const { daemon, store } of running.splice(0)) {
    await daemon.close();
    await store.close();
  }
});

async function start() {
  const dir = tempDir();
  const registry = testRegistry();
  const config = await testConfig(dir, registry, {
    rzp: { adapter: 'razorpay', config: { keyId: 'rzp_test_key', keySecret: 'rzp-key-secret' }, webhook: { scheme: 'razorpay', secrets: [SECRET] } },
  });
  const store = openTempStore(dir);
  const daemon = await startDaemon({ config, registry, store, clock });
  running.push({ daemon, store });
  return { daemon, store };
}

async function deliver(daemon: RunningDaemon, body: string, eventId: string): Promise<number> {
  const signature = createHmac('sha256', SECRET).update(body).digest('hex');
  const res = await request(`${daemon.url}/webhooks/rzp`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-razorpay-signature': signature, 'x-razorpay-event-id': eventId },
  });
  await res.body.dump();
  return res.statusCode;
}

describe('razorpay callbacks replayed under a new X-Razorpay-Event-Id', () => {
  it('are duplicates; a different callback is stored and processed', async () => {
    const { daemon, store } = await start();
    const first = razorpay.webhook!.sample!('payment.succeeded', { currency: 'INR' } as never);
    const second = razorpay.webhook!.sample!('payment.succeeded', { currency: 'INR' } as never);
    expect(await deliver(daemon, first.body, 'EvtA')).toBe(200);
    expect(await deliver(daemon, first.body, 'EvtB')).toBe(200);
    expect(await deliver(daemon, second.body, 'EvtC')).toBe(200);
    await daemon.settled();
    const rows = await store.webhooks.list({ integration: 'rzp' });
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.status)).toEqual(['processed', 'processed']);
    expect(await daemon.metrics.text()).toMatch(/integrations_webhook_duplicates_total\{integration="rzp"\} 1/);
  });
});

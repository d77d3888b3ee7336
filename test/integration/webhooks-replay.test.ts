import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { StoredEvent, WebhookDeliveryInput } from '../../src/store/webhook-types.js';
import type { SqliteStore } from '../../src/store/sqlite/store.js';
import { Dispatcher } from '../../src/webhooks/dispatch/dispatcher.js';
import { inboundFromRow } from '../../src/webhooks/dispatch/parse-events.js';
import { WebhookEndpoints } from '../../src/webhooks/ingest/endpoints.js';
import { replayWebhooks } from '../../src/webhooks/replay.js';
import { GITHUB_SECRET, openTempStore, tempDir, testConfig, testRegistry } from './webhooks-fixtures.js';

const clock = new ManualClock(Date.UTC(2026, 0, 1));
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

const delivery = (ref: string, kind: string, receivedAt = 1_000): WebhookDeliveryInput => ({
  integration: 'pay',
  eventId: ref,
  receivedAt,
  method: 'POST',
  path: '/webhooks/pay',
  query: {},
  headers: { 'content-type': 'application/json' },
  sourceIp: null,
  body: Buffer.from(JSON.stringify({ kind, ref, amount: 7 })),
});

async function setup(rejectAll: boolean) {
  const dir = tempDir();
  const registry = testRegistry();
  const config = await testConfig(dir, registry, { pay: { adapter: 'fixture-pay', config: { rejectAll }, webhook: { scheme: 'github', secrets: [GITHUB_SECRET] } } });
  const store = openTempStore(dir);
  stores.push(store);
  return { store, endpoints: await WebhookEndpoints.load(config, registry) };
}

/** Stores deliveries and processes them as the daemon would. */
async function ingest(store: SqliteStore, endpoints: WebhookEndpoints, deliveries: WebhookDeliveryInput[]) {
  const outcomes = await store.webhooks.commit({ deliveries, rejections: [] });
  const rows = await store.webhooks.getMany(outcomes.map((o) => o.id));
  await new Dispatcher({ store, endpoints, clock }).run(rows.map((r) => ({ id: r.id, integration: r.integration, request: inboundFromRow(r) })));
  return outcomes.map((o) => o.id);
}

describe('webhooks replay', () => {
  it('re-runs failed deliveries from their stored bytes once the cause is fixed, keeping the others as they are', async () => {
    const broken = await setup(true);
    const ids = await ingest(broken.store, broken.endpoints, [delivery('A', 'paid'), delivery('B', 'paid')]);
    expect((await broken.store.webhooks.list({ status: 'failed' })).map((w) => w.id)).toEqual(ids);

    // The "fix": same store, config no longer rejects (an operator corrected it).
    const registry = testRegistry();
    const fixedConfig = await testConfig(tempDir(), registry, { pay: { adapter: 'fixture-pay', webhook: { scheme: 'github', secrets: [GITHUB_SECRET] } } });
    const endpoints = await WebhookEndpoints.load(fixedConfig, registry);
    const events: StoredEvent[] = [];
    const summary = await replayWebhooks({ failed: true }, { store: broken.store, endpoints, clock, onEvent: (e) => void events.push(e) });
    expect(summary).toMatchObject({ dryRun: false, selected: 2, processed: 2, failed: 0, notFound: 0 });
    expect(summary.items[0]).toMatchObject({ id: ids[0], previousStatus: 'failed', status: 'processed', eventId: 'A' });
    expect(events.map((e) => e.type)).toEqual(['payment.succeeded', 'receipt.issued', 'payment.succeeded', 'receipt.issued']);
    expect(await broken.store.webhooks.get(ids[0])).toMatchObject({ status: 'processed', attempts: 2, error: null });
  });

  it('leaves the deliveries of an integration waiting on an unset variable exactly as they are, naming the variable', async () => {
    const dir = tempDir();
    const registry = testRegistry();
    const config = await testConfig(dir, registry, { pay: { adapter: 'fixture-pay', webhook: { scheme: 'github', secrets: [GITHUB_SECRET] } } });
    const store = openTempStore(dir);
    stores.push(store);
    const [id] = await ingest(store, await WebhookEndpoints.load(config, registry), [delivery('E', 'paid')]);
    const before = await store.webhooks.get(id);

    const waiting = {
      ...config,
      integrations: {},
      unresolved: { pay: { name: 'pay', adapter: 'fixture-pay', enabled: true, sensitive: [], missing: ['PAY_WEBHOOK_SECRET'], problems: [] } },
    };
    const endpoints = await WebhookEndpoints.load(waiting, registry);
    const summary = await replayWebhooks({ ids: [id] }, { store, endpoints, clock });
    expect(summary).toMatchObject({ selected: 1, processed: 0, failed: 1 });
    expect(summary.items[0]).toMatchObject({ id, previousStatus: 'processed', status: 'failed', error: 'pay: PAY_WEBHOOK_SECRET is not set; left as it was' });
    expect(await store.webhooks.get(id)).toEqual(before);
  });

  it('--dry-run parses and reports without changing anything', async () => {
    const { store, endpoints } = await setup(false);
    const [id] = await ingest(store, endpoints, [delivery('C', 'boom')]);
    const before = await store.webhooks.get(id);
    const summary = await replayWebhooks({ ids: [id] }, { store, endpoints, clock, dryRun: true });
    expect(summary).toMatchObject({ dryRun: true, selected: 1, failed: 1 });
    expect(summary.items[0].error).toBe('cannot parse boom callback');
    expect(await store.webhooks.get(id)).toEqual(before);
  });

  it('replays processed deliveries by id with the same event ids, and reports unknown ids', async () => {
    const { store, endpoints } = await setup(false);
    const [id] = await ingest(store, endpoints, [delivery('D', 'paid')]);
    const firstIds = (await store.events.list({ webhookId: id })).map((e) => e.id);
    const summary = await replayWebhooks({ ids: [id, 999] }, { store, endpoints, clock });
    expect(summary).toMatchObject({ selected: 2, processed: 1, notFound: 1 });
    expect(summary.items.find((i) => i.id === id)!.events.map((e) => e.id)).toEqual(firstIds);
    expect(summary.items.find((i) => i.id === 999)).toMatchObject({ status: 'not-found' });
  });

  it('--failed narrows by integration and time', async () => {
    const { store, endpoints } = await setup(false);
    await ingest(store, endpoints, [delivery('E', 'boom', 1_000), delivery('F', 'boom', 5_000)]);
    const summary = await replayWebhooks({ failed: true, sinceMs: 2_000 }, { store, endpoints, clock, dryRun: true });
    expect(summary.items.map((i) => i.eventId)).toEqual(['F']);
    expect((await replayWebhooks({ failed: true, integration: 'other' }, { store, endpoints, clock })).selected).toBe(0);
  });
});

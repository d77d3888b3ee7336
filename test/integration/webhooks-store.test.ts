import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { SqliteEvents } from '../../src/store/sqlite/events.js';
import { SqliteWebhooks } from '../../src/store/sqlite/webhooks.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import type { WebhookDeliveryInput, WebhookRejectionInput } from '../../src/store/webhook-types.js';
import { tempDir } from './webhooks-fixtures.js';

const delivery = (over: Partial<WebhookDeliveryInput> = {}): WebhookDeliveryInput => ({
  integration: 'hooks',
  eventId: 'evt_1',
  receivedAt: 1_000,
  method: 'POST',
  path: '/webhooks/hooks',
  query: {},
  headers: { 'content-type': 'application/json' },
  sourceIp: '127.0.0.1',
  body: Buffer.from('{"a":1}'),
  ...over,
});

const rejection = (over: Partial<WebhookRejectionInput> = {}): WebhookRejectionInput => ({
  time: 1_000,
  integration: 'hooks',
  reason: 'bad-signature',
  status: 401,
  method: 'POST',
  path: '/webhooks/hooks',
  sourceIp: '10.0.0.1',
  headers: {},
  bodySize: 7,
  ...over,
});

const opened: SqliteStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

function store(dir = tempDir()) {
  const s = SqliteStore.open(join(dir, 'store.db'));
  opened.push(s);
  return s;
}

describe('webhook store', () => {
  it('commits a batch and reports repeats of a provider event id as duplicates, within and across batches', async () => {
    const s = store();
    const first = await s.webhooks.commit({ deliveries: [delivery(), delivery({ eventId: 'evt_2' }), delivery()], rejections: [] });
    expect(first.map((o) => o.duplicate)).toEqual([false, false, true]);
    expect(first[2].id).toBe(first[0].id);
    const again = await s.webhooks.commit({ deliveries: [delivery({ body: Buffer.from('different') })], rejections: [] });
    expect(again[0]).toEqual({ id: first[0].id, duplicate: true, status: 'received' });
    expect(await s.webhooks.list({})).toHaveLength(2);
  });

  it('scopes event ids per integration and never de-duplicates deliveries without one', async () => {
    const s = store();
    const out = await s.webhooks.commit({
      deliveries: [delivery(), delivery({ integration: 'other' }), delivery({ eventId: null }), delivery({ eventId: null })],
      rejections: [],
    });
    expect(out.every((o) => !o.duplicate)).toBe(true);
    expect(new Set(out.map((o) => o.id)).size).toBe(4);
  });

  it('keeps the raw body bytes, headers and query exactly', async () => {
    const s = store();
    const body = Buffer.from([0, 255, 1, 254, 10]);
    const [o] = await s.webhooks.commit({ deliveries: [delivery({ body, query: { a: 'b' }, headers: { x: 'y' } })], rejections: [] });
    const row = await s.webhooks.get(o.id);
    expect(row?.body.equals(body)).toBe(true);
    expect(row?.query).toEqual({ a: 'b' });
    expect(row?.headers).toEqual({ x: 'y' });
    expect(row?.status).toBe('received');
    expect(row?.attempts).toBe(0);
  });

  it('settles processed rows with their events and failed rows with the error, counting attempts', async () => {
    const s = store();
    const [a, b] = await s.webhooks.commit({ deliveries: [delivery(), delivery({ eventId: 'evt_2' })], rejections: [] });
    const stored = await s.webhooks.settle([
      { id: a.id, at: 2_000, ok: true, events: [{ type: 'payment.succeeded', externalId: 'X1', occurredAt: null, data: { amount: 5 } }] },
      { id: b.id, at: 2_000, ok: false, error: 'cannot parse' },
    ]);
    expect(stored[0]).toHaveLength(1);
    expect(stored[0][0]).toMatchObject({ webhookId: a.id, seq: 0, integration: 'hooks', type: 'payment.succeeded', externalId: 'X1', data: { amount: 5 } });
    expect(stored[1]).toEqual([]);
    expect(await s.webhooks.get(a.id)).toMatchObject({ status: 'processed', type: 'payment.succeeded', attempts: 1, processedAt: 2_000, error: null });
    expect(await s.webhooks.get(b.id)).toMatchObject({ status: 'failed', error: 'cannot parse', attempts: 1 });
    expect(await s.webhooks.list({ status: 'failed' })).toHaveLength(1);
  });

  it('keeps event ids stable when a webhook is processed again, and drops events the new run no longer produces', async () => {
    const s = store();
    const [a] = await s.webhooks.commit({ deliveries: [delivery()], rejections: [] });
    const two = [
      { type: 'a', externalId: null, occurredAt: null, data: {} },
      { type: 'b', externalId: null, occurredAt: null, data: {} },
    ];
    const [first] = await s.webhooks.settle([{ id: a.id, at: 1, ok: true, events: two }]);
    const [second] = await s.webhooks.settle([{ id: a.id, at: 2, ok: true, events: [{ ...two[0], data: { v: 2 } }] }]);
    expect(second[0].id).toBe(first[0].id);
    expect(await s.events.list({ webhookId: a.id })).toEqual([expect.objectContaining({ id: first[0].id, type: 'a', data: { v: 2 } })]);
    expect((await s.webhooks.get(a.id))?.attempts).toBe(2);
  });

  it('bounds rejections per integration, keeping the newest, and lists them newest first', async () => {
    const dir = tempDir();
    const db = openDatabase(join(dir, 'store.db'));
    try {
      const repo = new SqliteWebhooks(db, new SqliteEvents(db), 5);
      for (let i = 1; i <= 12; i++) await repo.commit({ deliveries: [], rejections: [rejection({ time: i, bodySize: i })] });
      await repo.commit({ deliveries: [], rejections: [rejection({ integration: 'other', time: 100 })] });
      const rows = await repo.rejections({ integration: 'hooks' });
      expect(rows.map((r) => r.bodySize)).toEqual([12, 11, 10, 9, 8]);
      expect((db.prepare("SELECT count(*) AS n FROM webhook_rejections WHERE integration = 'hooks'").get() as { n: number }).n).toBe(5);
      expect(await repo.rejections({ sinceMs: 11 })).toHaveLength(3);
      expect((await repo.rejections({ integration: 'other' }))[0].time).toBe(100);
    } finally {
      db.close();
    }
  });

  it('filters the list by status, integration, time and limit', async () => {
    const s = store();
    await s.webhooks.commit({
      deliveries: [delivery({ receivedAt: 1 }), delivery({ eventId: 'e2', receivedAt: 5, integration: 'x' }), delivery({ eventId: 'e3', receivedAt: 9 })],
      rejections: [],
    });
    expect((await s.webhooks.list({ integration: 'hooks' })).map((w) => w.eventId)).toEqual(['evt_1', 'e3']);
    expect((await s.webhooks.list({ sinceMs: 5 })).map((w) => w.eventId)).toEqual(['e2', 'e3']);
    expect((await s.webhooks.list({ order: 'desc', limit: 1 })).map((w) => w.eventId)).toEqual(['e3']);
    expect(await s.webhooks.list({ status: 'processed' })).toEqual([]);
  });

  it('survives reopening: committed rows are there after the store is closed and opened again', async () => {
    const dir = tempDir();
    const s1 = SqliteStore.open(join(dir, 'store.db'));
    await s1.webhooks.commit({ deliveries: [delivery()], rejections: [rejection()] });
    await s1.close();
    const s2 = store(dir);
    expect(await s2.webhooks.list({})).toHaveLength(1);
    expect(await s2.webhooks.rejections({})).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import { defineAdapter } from '../../src/core/adapter.js';
import { ManualClock } from '../../src/core/clock.js';
import { MAX_NESTING } from '../../src/core/nesting.js';
import { z } from 'zod';
import { Dispatcher } from '../../src/webhooks/dispatch/dispatcher.js';
import { inboundFromRow } from '../../src/webhooks/dispatch/parse-events.js';
import { WebhookEndpoints } from '../../src/webhooks/ingest/endpoints.js';
import { openTempStore, tempDir, testConfig, testRegistry } from './webhooks-fixtures.js';

/** A parser whose output the store cannot take, chosen by the body. */
const poisonAdapter = defineAdapter({
  name: 'poison-out',
  kind: 'generic',
  description: 'test: parser output that breaks recording',
  config: z.object({}),
  operations: {},
  webhook: {
    verification: { scheme: 'none' },
    parse(req) {
      const kind = req.rawBody.toString('utf8');
      if (kind === 'bigint') return [{ type: 'x.bigint', data: { amount: 10n } }];
      if (kind === 'deep') {
        let data: Record<string, unknown> = {};
        for (let i = 0; i < 100_000; i++) data = { a: data };
        return [{ type: 'x.deep', data }];
      }
      return [{ type: 'x.ok', externalId: kind, data: { kind } }];
    },
  },
});

describe('dispatcher on the in-process store: one delivery that cannot be recorded fails alone', () => {
  it('marks the unstorable and the too-deep ones failed with their reasons and processes the rest of the batch', async () => {
    const dir = tempDir();
    const store = openTempStore(dir);
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const registry = testRegistry();
    registry.register(poisonAdapter);
    try {
      const config = await testConfig(dir, registry, { p: { adapter: 'poison-out', webhook: { scheme: 'none', allowIps: ['127.0.0.1'] } } });
      const kinds = ['one', 'bigint', 'two', 'deep', 'three'];
      const stored = await store.webhooks.commit({
        deliveries: kinds.map((kind, i) => ({ integration: 'p', eventId: `e${i}`, receivedAt: clock.now(), method: 'POST', path: '/webhooks/p', query: {}, headers: { 'content-type': 'text/plain' }, sourceIp: null, body: Buffer.from(kind) })),
        rejections: [],
      });
      const rows = await store.webhooks.getMany(stored.map((s) => s.id));
      const dispatcher = new Dispatcher({ store, endpoints: await WebhookEndpoints.load(config, registry), clock });
      const outcomes = await dispatcher.run(rows.map((r) => ({ id: r.id, integration: r.integration, request: inboundFromRow(r) })));

      expect(outcomes.map((o) => o.status)).toEqual(['processed', 'failed', 'processed', 'failed', 'processed']);
      expect(outcomes[1].error).toMatch(/^could not record processing: .*BigInt/);
      expect(outcomes[3].error).toBe(`event 0 (x.deep): data nests deeper than ${MAX_NESTING} levels`);
      const after = await store.webhooks.getMany(rows.map((r) => r.id));
      expect(after.map((r) => [r.status, r.error])).toEqual([
        ['processed', null],
        ['failed', outcomes[1].error],
        ['processed', null],
        ['failed', outcomes[3].error],
        ['processed', null],
      ]);
      expect((await store.events.list({})).map((e) => e.externalId)).toEqual(['one', 'two', 'three']);
    } finally {
      await store.close();
    }
  });
});

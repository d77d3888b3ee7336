import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { WebhookEndpoints } from '../../src/webhooks/ingest/endpoints.js';
import { replayWebhooks } from '../../src/webhooks/replay.js';
import { SW_SECRET, openTempStore, tempDir, testConfig, testRegistry } from './webhooks-fixtures.js';

/** daemon.maxJsonDepth decides, at processing, which stored bodies are too deep; raising it makes them replayable. */
describe('daemon.maxJsonDepth', () => {
  it('fails a body one level deeper than the limit with the reason, and processes it under a higher limit', async () => {
    const dir = tempDir();
    const store = openTempStore(dir);
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const registry = testRegistry();
    const integrations = { hooks: { adapter: 'webhook', config: { eventTypePath: 'type' }, webhook: { scheme: 'standard-webhooks', secrets: [SW_SECRET] } } };
    try {
      const body = JSON.stringify({ type: 'nested', a: { b: { c: [1] } } }); // 4 levels
      const [{ id }] = await store.webhooks.commit({
        deliveries: [{ integration: 'hooks', eventId: 'msg_1', receivedAt: clock.now(), method: 'POST', path: '/webhooks/hooks', query: {}, headers: { 'content-type': 'application/json' }, sourceIp: null, body: Buffer.from(body) }],
        rejections: [],
      });
      const replay = async (maxJsonDepth: number) => {
        const config = await testConfig(dir, registry, integrations, { maxJsonDepth });
        return replayWebhooks({ ids: [id] }, { store, endpoints: await WebhookEndpoints.load(config, registry), clock });
      };

      expect((await replay(3)).items[0]).toMatchObject({ status: 'failed', error: 'nesting deeper than 3' });
      expect(await store.webhooks.get(id)).toMatchObject({ status: 'failed', error: 'nesting deeper than 3' });
      expect((await replay(4)).items[0]).toMatchObject({ status: 'processed', events: [{ type: 'hooks.nested' }] });
    } finally {
      await store.close();
    }
  });
});

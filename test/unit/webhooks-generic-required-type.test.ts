import { describe, expect, it } from 'vitest';
import adapter from '../../adapters/webhook/index.js';
import type { InboundWebhook } from '../../src/core/adapter.js';

const section = adapter.webhook!;
const config = (c: Record<string, unknown> = {}) => adapter.config.parse(c);
const request = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): InboundWebhook => ({
  method: 'POST',
  path: '/webhooks/orders',
  query: {},
  headers,
  rawBody: Buffer.from(body),
  receivedAt: 0,
});

/** requireEventType: a misconfigured type path fails the delivery (replayable) instead of filing it under the default type. */
describe('generic webhook adapter: requireEventType', () => {
  const body = '{"id":"evt_1","event":"order.paid"}';

  it('is off by default: a delivery without a type at the path takes defaultEventType', async () => {
    expect((await section.parse(request(body), { integration: 'orders', config: config() }))[0].type).toBe('orders.received');
  });

  it('when on, a delivery without a type at the path fails, naming the path', () => {
    expect(() => section.parse(request(body), { integration: 'orders', config: config({ requireEventType: true }) })).toThrow('no event type at JSON path "type"');
    expect(() => section.parse(request(body), { integration: 'orders', config: config({ requireEventType: true, eventTypeHeader: 'X-Event' }) })).toThrow(
      'no event type at header x-event or JSON path "type"',
    );
  });

  it('when on, the same bytes parse once the path points at the type', async () => {
    const events = await section.parse(request(body), { integration: 'orders', config: config({ requireEventType: true, eventTypePath: 'event' }) });
    expect(events.map((e) => e.type)).toEqual(['orders.order.paid']);
  });
});

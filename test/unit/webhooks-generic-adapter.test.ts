import { describe, expect, it } from 'vitest';
import adapter from '../../adapters/webhook/index.js';
import type { InboundWebhook } from '../../src/core/adapter.js';
import { validateAdapterDefinition } from '../../src/core/adapter.js';
import { createVerifier } from '../../src/webhooks/verify/verify.js';
import { signWebhook } from '../../src/webhooks/sign/sign-webhook.js';
import type { WebhookSettings } from '../../src/config/types.js';

const section = adapter.webhook!;
const config = (c: Record<string, unknown> = {}) => adapter.config.parse(c);
const request = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): InboundWebhook => ({
  method: 'POST',
  path: '/webhooks/shop',
  query: {},
  headers,
  rawBody: Buffer.from(body),
  receivedAt: 0,
});

describe('generic webhook adapter', () => {
  it('is a valid receive-only declaration', () => {
    expect(validateAdapterDefinition(adapter)).toEqual([]);
    expect(adapter.kind).toBe('generic');
  });

  it('emits <integration>.<type> with the payload as data, type from a JSON path', async () => {
    const events = await section.parse(request('{"event":{"name":"order.created"},"order":{"id":42,"at":1767225600}}'), {
      integration: 'shop',
      config: config({ eventTypePath: 'event.name', externalIdPath: 'order.id', occurredAtPath: 'order.at' }),
    });
    expect(events).toEqual([
      { type: 'shop.order.created', externalId: '42', occurredAt: '2026-01-01T00:00:00.000Z', data: { event: { name: 'order.created' }, order: { id: 42, at: 1767225600 } } },
    ]);
  });

  it('takes the type and event id from headers when configured, and a default type otherwise', async () => {
    const cfg = config({ eventTypeHeader: 'X-GitHub-Event', eventIdHeader: 'X-GitHub-Delivery' });
    const req = request('{"action":"opened"}', { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': 'd-1' });
    expect((await section.parse(req, { integration: 'gh', config: cfg }))[0].type).toBe('gh.pull_request');
    expect(section.eventId!(req, { integration: 'gh', config: cfg })).toBe('d-1');
    expect((await section.parse(request('{}'), { integration: 'x', config: config() }))[0].type).toBe('x.received');
  });

  it('reads the event id from a JSON path, and leaves it to the scheme when none is configured', () => {
    expect(section.eventId!(request('{"data":{"id":"evt_9"}}'), { integration: 'x', config: config({ eventIdPath: 'data.id' }) })).toBe('evt_9');
    expect(section.eventId!(request('{"id":"evt_9"}'), { integration: 'x', config: config() })).toBeUndefined();
  });

  it('reads forms, keeps other text as text, and fails on a body that claims JSON but is not', async () => {
    const form = await section.parse(request('MessageStatus=delivered&type=sms.status', { 'content-type': 'application/x-www-form-urlencoded' }), { integration: 'tw', config: config() });
    expect(form[0]).toMatchObject({ type: 'tw.sms.status', data: { MessageStatus: 'delivered', type: 'sms.status' } });
    const text = await section.parse(request('hello', { 'content-type': 'text/plain' }), { integration: 't', config: config() });
    expect(text[0]).toMatchObject({ type: 't.received', data: { body: 'hello' } });
    expect(() => section.parse(request('{"truncated":'), { integration: 't', config: config() })).toThrow(/not valid JSON/);
  });

  it("builds a sample that the integration's own scheme verifies once signed, and that parses to the asked type", async () => {
    const settings = { scheme: 'standard-webhooks', secrets: [`whsec_${Buffer.from('generic-sample-key').toString('base64')}`], toleranceSeconds: 300, allowIps: [] } as WebhookSettings;
    const cfg = config({ eventIdPath: 'id' });
    const sample = section.sample!('invoice.paid', cfg);
    const now = Date.now();
    const signed = signWebhook(settings, { body: sample.body, path: '/webhooks/shop', now });
    const req = { ...request(sample.body, { ...sample.headers, ...signed.headers }), receivedAt: now };
    expect(createVerifier(settings)(req, { now })).toMatchObject({ ok: true });
    expect((await section.parse(req, { integration: 'shop', config: cfg }))[0].type).toBe('shop.invoice.paid');
    expect(section.eventId!(req, { integration: 'shop', config: cfg })).toBe(JSON.parse(sample.body).id);
  });
});

import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import type { StoredEvent } from '../../src/store/webhook-types.js';
import { newMessageId, outboundBody } from '../../src/webhooks/outbound/payload.js';
import { checkSigningSecret, generateSigningSecret } from '../../src/webhooks/outbound/secret.js';
import { checkSubscriptionUrl, displayUrl } from '../../src/webhooks/outbound/subscriptions.js';

const event = (over: Partial<StoredEvent> = {}): StoredEvent => ({
  id: 7,
  webhookId: 3,
  seq: 0,
  integration: 'mpesa',
  type: 'payment.succeeded',
  externalId: 'ws_CO_1',
  occurredAt: '2026-01-02T03:04:05Z',
  data: { amount: 100 },
  createdAt: Date.UTC(2026, 0, 3),
  ...over,
});

describe('outbound signing secrets', () => {
  it('generates whsec_ secrets the official package accepts, different each time', () => {
    const a = generateSigningSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(a).not.toBe(generateSigningSecret());
    expect(() => new Webhook(a)).not.toThrow();
  });

  it('accepts a well-formed given secret and refuses others without echoing them', () => {
    const good = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
    expect(checkSigningSecret(good)).toBe(good);
    const bad = ['s3cr3t-value', 'whsec_!!!not-base64', `whsec_${Buffer.alloc(8, 1).toString('base64')}`, `whsec_${Buffer.alloc(65, 1).toString('base64')}`];
    for (const secret of bad) {
      let message = '';
      try {
        checkSigningSecret(secret);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain(secret);
      expect(message).not.toContain(secret.slice(6));
    }
  });
});

describe('outbound subscription URLs', () => {
  it('accepts http and https URLs only', () => {
    expect(checkSubscriptionUrl('https://example.com/hooks')).toBe('https://example.com/hooks');
    expect(() => checkSubscriptionUrl('ftp://example.com/')).toThrow(/only http/);
    expect(() => checkSubscriptionUrl('not a url')).toThrow(/invalid URL/);
  });

  it('masks a password when showing a URL', () => {
    expect(displayUrl('https://user:hunter2@example.com/x')).toBe('https://user:***@example.com/x');
    expect(displayUrl('https://example.com/x')).toBe('https://example.com/x');
    expect(displayUrl('https://example.com/hook?token=abc123&page=2&api_key=k9&Signature=s&password=p&client_secret=c')).toBe(
      'https://example.com/hook?token=***&page=2&api_key=***&Signature=***&password=***&client_secret=***',
    );
  });
});

describe('outbound payloads', () => {
  it('has the Standard Webhooks shape: type, ISO timestamp of occurrence, data with the integration', () => {
    expect(outboundBody(event())).toEqual({
      type: 'payment.succeeded',
      timestamp: '2026-01-02T03:04:05.000Z',
      data: { integration: 'mpesa', externalId: 'ws_CO_1', amount: 100 },
    });
  });

  it('falls back to the time the event was stored when the provider gave no readable time', () => {
    expect(outboundBody(event({ occurredAt: null })).timestamp).toBe('2026-01-03T00:00:00.000Z');
    expect(outboundBody(event({ occurredAt: '20260102030405' })).timestamp).toBe('2026-01-03T00:00:00.000Z');
  });

  it('message ids are msg_ prefixed and unique', () => {
    const ids = new Set(Array.from({ length: 1000 }, newMessageId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^msg_[0-9a-z]{20}$/);
  });
});

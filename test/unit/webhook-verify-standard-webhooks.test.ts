import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { createVerifier } from '../../src/webhooks/verify/verify.js';
import { signStandardWebhook } from '../../src/webhooks/sign/standard-webhooks.js';
import { signWebhook } from '../../src/webhooks/sign/sign-webhook.js';
import { NOW, NOW_S, requestFrom, settings } from './webhook-verify-fixtures.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER = `whsec_${Buffer.from('another 24-byte key here').toString('base64')}`;
const BODY = '{"type":"payment.succeeded","data":{"id":"ch_1","amount":1500}}';
const ctx = { now: NOW };

function request(headers: Record<string, string>, body = BODY) {
  return requestFrom({ body, now: NOW }, { headers });
}

describe('standard-webhooks interop with the official package', () => {
  // The official verifier reads Date.now(); pin it to the same fixed instant.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  it('accepts what Webhook#sign produces', () => {
    const signature = new Webhook(SECRET).sign('msg_2b0r', new Date(NOW), BODY);
    const result = createVerifier(settings('standard-webhooks', [SECRET]))(
      request({ 'webhook-id': 'msg_2b0r', 'webhook-timestamp': String(NOW_S), 'webhook-signature': signature }),
      ctx,
    );
    expect(result).toEqual({ ok: true, eventId: 'msg_2b0r' });
  });

  it('signStandardWebhook output verifies with new Webhook(secret).verify', () => {
    const headers = signStandardWebhook(SECRET, 'msg_out_1', NOW_S, BODY);
    expect(new Webhook(SECRET).verify(BODY, { ...headers })).toEqual(JSON.parse(BODY));
    expect(() => new Webhook(OTHER).verify(BODY, { ...headers })).toThrow();
    expect(() => new Webhook(SECRET).verify(BODY.replace('1500', '1501'), { ...headers })).toThrow();
  });

  it('signWebhook output for the scheme verifies with the official package too', () => {
    const { headers } = signWebhook(settings('standard-webhooks', [SECRET]), { body: BODY, now: NOW, id: 'msg_x' });
    expect(new Webhook(SECRET).verify(BODY, headers)).toEqual(JSON.parse(BODY));
  });

  it('accepts a Buffer body byte for byte, including non-ASCII', () => {
    const body = '{"name":"Zoë ✓"}';
    const headers = signStandardWebhook(SECRET, 'msg_u', NOW_S, Buffer.from(body));
    expect(new Webhook(SECRET).verify(body, { ...headers })).toEqual({ name: 'Zoë ✓' });
    expect(createVerifier(settings('standard-webhooks', [SECRET]))(request({ ...headers }, body), ctx).ok).toBe(true);
  });
});

describe('standard-webhooks header forms', () => {
  const verify = createVerifier(settings('standard-webhooks', [SECRET]));
  const signed = signStandardWebhook(SECRET, 'msg_1', NOW_S, BODY);

  it('accepts the svix-* header names', () => {
    const result = verify(
      request({ 'svix-id': 'msg_1', 'svix-timestamp': signed['webhook-timestamp'], 'svix-signature': signed['webhook-signature'] }),
      ctx,
    );
    expect(result).toEqual({ ok: true, eventId: 'msg_1' });
  });

  it('accepts a matching v1 anywhere in a space-separated list, skipping other versions', () => {
    const bogus = `v1,${Buffer.alloc(32, 7).toString('base64')}`;
    const list = `v1a,${Buffer.alloc(64, 1).toString('base64')} ${bogus} ${signed['webhook-signature']}`;
    expect(verify(request({ ...signed, 'webhook-signature': list }), ctx).ok).toBe(true);
  });

  it('rejects a list with no matching v1', () => {
    const list = `v2,${signed['webhook-signature'].slice(3)} v1,${Buffer.alloc(32).toString('base64')}`;
    expect(verify(request({ ...signed, 'webhook-signature': list }), ctx)).toEqual({ ok: false, reason: 'bad-signature', status: 401 });
  });

  it('rejects a signature over a different id (the id is signed)', () => {
    expect(verify(request({ ...signed, 'webhook-id': 'msg_2' }), ctx)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it.each([
    ['missing id', { 'webhook-id': '' }, 'missing-id'],
    ['missing timestamp', { 'webhook-timestamp': '' }, 'missing-timestamp'],
    ['non-numeric timestamp', { 'webhook-timestamp': '17x' }, 'malformed-timestamp'],
    ['negative timestamp', { 'webhook-timestamp': '-1' }, 'malformed-timestamp'],
    ['a signature entry without version', { 'webhook-signature': 'abcdef' }, 'malformed-signature'],
    ['only whitespace', { 'webhook-signature': '   ' }, 'malformed-signature'],
  ])('rejects %s', (_label, change, reason) => {
    const headers: Record<string, string> = { ...signed, ...change };
    for (const k of Object.keys(headers)) if (headers[k] === '') delete headers[k];
    expect(verify(request(headers), ctx)).toMatchObject({ ok: false, reason });
  });

  it('signStandardWebhook rejects a secret that is not whsec_ base64', () => {
    expect(() => signStandardWebhook('whsec_!!!', 'id', NOW_S, BODY)).toThrow(TypeError);
  });
});

import { describe, expect, it } from 'vitest';
import { createHash, createHmac } from 'node:crypto';
import { createVerifier } from '../../src/webhooks/verify/verify.js';
import { signWebhook } from '../../src/webhooks/sign/sign-webhook.js';
import type { VerifyRequest } from '../../src/webhooks/verify/types.js';
import { NOW, settings } from './webhook-verify-fixtures.js';

function req(body: string, headers: Record<string, string>): VerifyRequest {
  return { method: 'POST', path: '/webhooks/x', query: {}, headers, rawBody: Buffer.from(body), sourceIp: '127.0.0.1' };
}

describe('GitHub, with the test values from "Validating webhook deliveries"', () => {
  const verify = createVerifier(settings('github', ["It's a Secret to Everybody"]));
  const documented = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

  it('accepts the documented signature; the event id is the signed body\'s digest, not the unsigned delivery GUID', () => {
    const result = verify(req('Hello, World!', { 'x-hub-signature-256': documented, 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' }), { now: NOW });
    const digest = `sha256:${createHash('sha256').update('Hello, World!').digest('hex')}`;
    expect(result).toEqual({ ok: true, eventId: digest, unsignedHeaders: true });
  });

  it('accepts upper-case hex, rejects the SHA-1 header alone and a missing prefix', () => {
    expect(verify(req('Hello, World!', { 'x-hub-signature-256': documented.toUpperCase().replace('SHA256=', 'sha256=') }), { now: NOW }).ok).toBe(true);
    expect(verify(req('Hello, World!', { 'x-hub-signature': 'sha1=' + 'a'.repeat(40) }), { now: NOW })).toMatchObject({ reason: 'missing-signature' });
    expect(verify(req('Hello, World!', { 'x-hub-signature-256': documented.slice(7) }), { now: NOW })).toMatchObject({ reason: 'malformed-signature' });
  });

  it('signs exactly the documented value, with the legacy SHA-1 header beside it', () => {
    const { headers } = signWebhook(settings('github', ["It's a Secret to Everybody"]), { body: 'Hello, World!', now: NOW, id: 'd1' });
    expect(headers['x-hub-signature-256']).toBe(documented);
    expect(headers['x-hub-signature']).toBe('sha1=' + createHmac('sha1', "It's a Secret to Everybody").update('Hello, World!').digest('hex'));
    expect(headers['x-github-delivery']).toBe('d1');
  });
});

describe('Slack, with the worked example from "Verifying requests from Slack"', () => {
  const secret = '8f742231b10e8888abcd99yyyzzz85a5';
  const timestamp = '1531420618';
  const body =
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
  const signature = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
  const headers = { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp };
  const verify = createVerifier(settings('slack', [secret]));
  const at = Number(timestamp) * 1000;

  it('accepts the documented request at its own time (a slash command has no event id)', () => {
    const digest = `sha256:${createHash('sha256').update(`v0:${timestamp}:${body}`).digest('hex')}`;
    expect(verify(req(body, headers), { now: at + 60_000 })).toEqual({ ok: true, eventId: digest, unsignedHeaders: true });
  });

  it('rejects it five minutes and one second later, and before it was sent', () => {
    expect(verify(req(body, headers), { now: at + 301_000 })).toEqual({ ok: false, reason: 'timestamp-out-of-tolerance', status: 401 });
    expect(verify(req(body, headers), { now: at - 301_000 })).toMatchObject({ reason: 'timestamp-out-of-tolerance' });
  });

  it('rejects it with a changed timestamp (the timestamp is signed)', () => {
    expect(verify(req(body, { ...headers, 'x-slack-request-timestamp': '1531420619' }), { now: at })).toMatchObject({ reason: 'bad-signature' });
  });

  it('signs the documented value', () => {
    const { headers: signed } = signWebhook(settings('slack', [secret]), { body, now: at });
    expect(signed).toEqual(headers);
  });
});

describe('schemes with a fixed wire format', () => {
  const body = '{"event":"charge.success","data":{"reference":"ref_1"}}';

  it('paystack: hex HMAC-SHA512 of the body in x-paystack-signature', () => {
    const sig = createHmac('sha512', 'sk_test_x').update(body).digest('hex');
    expect(createVerifier(settings('paystack', ['sk_test_x']))(req(body, { 'x-paystack-signature': sig }), { now: NOW }).ok).toBe(true);
    expect(signWebhook(settings('paystack', ['sk_test_x']), { body, now: NOW }).headers).toEqual({ 'x-paystack-signature': sig });
  });

  it('razorpay: hex HMAC-SHA256 in x-razorpay-signature; the unsigned x-razorpay-event-id is not the event id', () => {
    const sig = createHmac('sha256', 'rzp_wh').update(body).digest('hex');
    const result = createVerifier(settings('razorpay', ['rzp_wh']))(req(body, { 'x-razorpay-signature': sig, 'x-razorpay-event-id': 'KJt0' }), { now: NOW });
    expect(result).toEqual({ ok: true, eventId: `sha256:${createHash('sha256').update(body).digest('hex')}`, unsignedHeaders: true });
  });

  it('shopify: base64 HMAC-SHA256 in x-shopify-hmac-sha256; the unsigned webhook and event ids are not the event id', () => {
    const sig = createHmac('sha256', 'shpss').update(body).digest('base64');
    const verify = createVerifier(settings('shopify', ['shpss']));
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    expect(verify(req(body, { 'x-shopify-hmac-sha256': sig, 'x-shopify-webhook-id': 'w1', 'x-shopify-event-id': 'e1' }), { now: NOW })).toEqual({ ok: true, eventId: digest, unsignedHeaders: true });
    expect(verify(req(body, { 'x-shopify-hmac-sha256': sig, 'x-shopify-event-id': 'e2' }), { now: NOW })).toEqual({ ok: true, eventId: digest, unsignedHeaders: true });
    // base64 is case-sensitive: a case change is a different digest.
    expect(verify(req(body, { 'x-shopify-hmac-sha256': sig.toLowerCase() }), { now: NOW }).ok).toBe(false);
  });

  it('meta: sha256= hex HMAC with the app secret; no id header, the body\'s digest', () => {
    const sig = 'sha256=' + createHmac('sha256', 'app_secret').update(body).digest('hex');
    expect(createVerifier(settings('meta', ['app_secret']))(req(body, { 'x-hub-signature-256': sig }), { now: NOW })).toEqual({ ok: true, eventId: `sha256:${createHash('sha256').update(body).digest('hex')}`, unsignedHeaders: true });
  });

  it('hmac: the template decides the signed bytes, the timestamp unit can be milliseconds', () => {
    const s = settings('hmac', ['k'], { header: 'x-sig', timestampHeader: 'x-ts', timestampUnit: 'milliseconds', template: '{timestamp}|{body}', secretEncoding: 'utf8' });
    const sig = createHmac('sha256', 'k').update(`${NOW}|${body}`).digest('hex');
    const verify = createVerifier(s);
    expect(verify(req(body, { 'x-sig': sig, 'x-ts': String(NOW) }), { now: NOW }).ok).toBe(true);
    expect(verify(req(body, { 'x-sig': sig, 'x-ts': String(NOW) }), { now: NOW + 301_000 })).toMatchObject({ reason: 'timestamp-out-of-tolerance' });
    expect(signWebhook(s, { body, now: NOW }).headers).toEqual({ 'x-sig': sig, 'x-ts': String(NOW) });
  });

  it('hmac: a base64 secret is decoded before use', () => {
    const key = Buffer.from('binary key bytes');
    const s = settings('hmac', [key.toString('base64')], { header: 'x-sig', secretEncoding: 'base64', encoding: 'base64' });
    const sig = createHmac('sha256', key).update(body).digest('base64');
    expect(createVerifier(s)(req(body, { 'x-sig': sig }), { now: NOW }).ok).toBe(true);
  });
});

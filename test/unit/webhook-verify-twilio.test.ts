import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { createVerifier } from '../../src/webhooks/verify/verify.js';
import { compileTrustedProxies } from '../../src/webhooks/verify/allow-ips.js';
import { signWebhook } from '../../src/webhooks/sign/sign-webhook.js';
import type { VerifyRequest } from '../../src/webhooks/verify/types.js';
import { NOW, requestFrom, settings } from './webhook-verify-fixtures.js';

/**
 * Twilio's published example (twilio.com/docs/usage/security, and the
 * vectors in Twilio's helper libraries): auth token 12345, URL
 * https://mycompany.com/myapp.php?foo=1&bar=2.
 */
const TOKEN = '12345';
const FORM = 'CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212';
const FORM_SIGNATURE = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
const JSON_BODY = '{"property": "value", "boolean": true}';
const BODY_HASH = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';
const JSON_SIGNATURE = 'a9nBmqA0ju/hNViExpshrM61xv4=';

const FORM_PARAMS = 'CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212';

function sha1(data: string): string {
  return createHmac('sha1', TOKEN).update(data).digest('base64');
}

const verify = createVerifier(settings('twilio', [TOKEN]));

function req(body: string, signature: string | undefined, query: Record<string, string>, extra: Partial<VerifyRequest> = {}): VerifyRequest {
  const headers: Record<string, string> = { host: 'internal:8787', 'i-twilio-idempotency-token': 'tok-1' };
  if (signature !== undefined) headers['x-twilio-signature'] = signature;
  return { method: 'POST', path: '/myapp.php', query, headers, rawBody: Buffer.from(body), sourceIp: '54.0.0.1', ...extra };
}

const ctx = { now: NOW, publicUrl: 'https://mycompany.com' };

describe('twilio', () => {
  it('accepts the documented form-encoded example and returns the idempotency token', () => {
    expect(verify(req(FORM, FORM_SIGNATURE, { foo: '1', bar: '2' }), ctx)).toMatchObject({ ok: true, eventId: expect.stringMatching(/^sha256:/), unsignedHeaders: true });
  });

  it('accepts the form example whatever the order of the form params', () => {
    const shuffled = FORM.split('&').reverse().join('&');
    expect(verify(req(shuffled, FORM_SIGNATURE, { foo: '1', bar: '2' }), ctx).ok).toBe(true);
  });

  it('rejects a changed param, a changed query, and another public URL with 403', () => {
    expect(verify(req(FORM.replace('Digits=1234', 'Digits=9999'), FORM_SIGNATURE, { foo: '1', bar: '2' }), ctx)).toEqual({ ok: false, reason: 'bad-signature', status: 403 });
    expect(verify(req(FORM, FORM_SIGNATURE, { foo: '1', bar: '3' }), ctx)).toMatchObject({ ok: false, status: 403 });
    expect(verify(req(FORM, FORM_SIGNATURE, { foo: '1', bar: '2' }), { ...ctx, publicUrl: 'https://other.example.com' }).ok).toBe(false);
  });

  it('answers 400 when the header is missing, as twilio-node does', () => {
    expect(verify(req(FORM, undefined, { foo: '1', bar: '2' }), ctx)).toEqual({ ok: false, reason: 'missing-signature', status: 400 });
  });

  it('accepts the documented bodySHA256 (JSON) example and checks the body against the hash', () => {
    const query = { foo: '1', bar: '2', bodySHA256: BODY_HASH };
    expect(verify(req(JSON_BODY, JSON_SIGNATURE, query), ctx)).toMatchObject({ ok: true, eventId: expect.stringMatching(/^sha256:/), unsignedHeaders: true });
    expect(verify(req(JSON_BODY.replace('value', 'evil!'), JSON_SIGNATURE, query), ctx)).toEqual({ ok: false, reason: 'body-hash-mismatch', status: 403 });
  });

  it('accepts a signature computed over the URL with the default port, and one without', () => {
    const withPort = sha1('https://mycompany.com:443/myapp.php?foo=1&bar=2' + FORM_PARAMS);
    expect(withPort).not.toBe(FORM_SIGNATURE);
    expect(verify(req(FORM, withPort, { foo: '1', bar: '2' }), ctx).ok).toBe(true);
    // And the reverse: the public URL is configured with :443 while Twilio signed without.
    expect(verify(req(FORM, FORM_SIGNATURE, { foo: '1', bar: '2' }), { ...ctx, publicUrl: 'https://mycompany.com:443' }).ok).toBe(true);
    // A non-default port is part of the URL and never dropped.
    expect(verify(req(FORM, sha1('https://mycompany.com:8443/myapp.php?foo=1&bar=2' + FORM_PARAMS), { foo: '1', bar: '2' }), ctx).ok).toBe(false);
  });

  it('signs repeated params as each distinct value, sorted', () => {
    const body = 'MediaUrl=https%3A%2F%2Fa.example%2F1&MediaUrl=https%3A%2F%2Fa.example%2F0&MediaUrl=https%3A%2F%2Fa.example%2F1&Body=hello+world';
    const expected = sha1('https://mycompany.com/sms' + 'Bodyhello world' + 'MediaUrlhttps://a.example/0' + 'MediaUrlhttps://a.example/1');
    expect(verify({ ...req(body, expected, {}), path: '/sms' }, ctx).ok).toBe(true);
  });

  it('takes the public URL from the scheme options before the daemon context', () => {
    const own = createVerifier(settings('twilio', [TOKEN], { publicUrl: 'https://mycompany.com' }));
    expect(own(req(FORM, FORM_SIGNATURE, { foo: '1', bar: '2' }), { now: NOW, publicUrl: 'https://elsewhere.example' }).ok).toBe(true);
  });

  it('without any public URL, trusts X-Forwarded-Proto and Host only behind a trusted proxy', () => {
    const headers = { host: 'mycompany.com', 'x-forwarded-proto': 'https' };
    const behindProxy = req(FORM, FORM_SIGNATURE, { foo: '1', bar: '2' });
    behindProxy.headers = { ...behindProxy.headers, ...headers };
    expect(verify(behindProxy, { now: NOW, trustedProxies: compileTrustedProxies([behindProxy.sourceIp!]) }).ok).toBe(true);
    expect(verify(behindProxy, { now: NOW }).ok).toBe(false);
    // The same headers from a peer that is not a listed proxy are not believed.
    expect(verify(behindProxy, { now: NOW, trustedProxies: compileTrustedProxies(['10.255.0.1']) }).ok).toBe(false);
  });

  it('signs the documented values: form params, and JSON through bodySHA256', () => {
    const s = settings('twilio', [TOKEN]);
    const form = signWebhook(s, { body: FORM, path: '/myapp.php', query: { foo: '1', bar: '2' }, now: NOW, publicUrl: 'https://mycompany.com' });
    expect(form.headers['x-twilio-signature']).toBe(FORM_SIGNATURE);
    const json = signWebhook(s, { body: JSON_BODY, path: '/myapp.php', query: { foo: '1', bar: '2' }, now: NOW, publicUrl: 'https://mycompany.com' });
    expect(json.headers['x-twilio-signature']).toBe(JSON_SIGNATURE);
    expect(json.query).toEqual({ foo: '1', bar: '2', bodySHA256: BODY_HASH });
  });

  it('round-trips repeated params and values needing encoding', () => {
    const body = 'MediaUrl=https%3A%2F%2Fa.example%2F1&MediaUrl=https%3A%2F%2Fa.example%2F0&Body=hello+world+%26+more';
    const input = { body, path: '/webhooks/twilio', query: { q: 'a b' }, now: NOW, publicUrl: 'https://hooks.example.com' };
    const signed = signWebhook(settings('twilio', [TOKEN]), input);
    expect(verify(requestFrom(input, signed), { now: NOW, publicUrl: 'https://hooks.example.com' }).ok).toBe(true);
  });

  it('refuses to sign without a public URL', () => {
    expect(() => signWebhook(settings('twilio', [TOKEN]), { body: FORM, now: NOW })).toThrow(/public URL/);
  });
});

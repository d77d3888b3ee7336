import { describe, expect, it } from 'vitest';
import { createVerifier } from '../../src/webhooks/verify/verify.js';
import { signWebhook } from '../../src/webhooks/sign/sign-webhook.js';
import type { VerifyRequest } from '../../src/webhooks/verify/types.js';
import { NOW, requestFrom, settings } from './webhook-verify-fixtures.js';

const SECRET = 'cb_9f8e7d6c5b4a3210';
const ctx = { now: NOW };
const body = '{"Body":{"stkCallback":{"CheckoutRequestID":"ws_CO_1","ResultCode":0}}}';

function req(path: string, query: Record<string, string> = {}, headers: Record<string, string> = {}): VerifyRequest {
  return { method: 'POST', path, query, headers, rawBody: Buffer.from(body), sourceIp: '196.201.214.200' };
}

describe('token in the path (the default)', () => {
  const verify = createVerifier(settings('token', [SECRET]));

  it('accepts the secret as the last path segment, with or without a trailing slash', () => {
    expect(verify(req(`/webhooks/mpesa/${SECRET}`), ctx)).toEqual({ ok: true });
    expect(verify(req(`/webhooks/mpesa/${SECRET}/`), ctx)).toEqual({ ok: true });
  });

  it('rejects another segment, a prefix of the secret and the secret plus more', () => {
    expect(verify(req('/webhooks/mpesa/guess'), ctx)).toEqual({ ok: false, reason: 'bad-token', status: 401 });
    expect(verify(req(`/webhooks/mpesa/${SECRET.slice(0, -1)}`), ctx)).toMatchObject({ reason: 'bad-token' });
    expect(verify(req(`/webhooks/mpesa/${SECRET}x`), ctx)).toMatchObject({ reason: 'bad-token' });
    expect(verify(req('/'), ctx)).toMatchObject({ reason: 'missing-token' });
  });

  it('a callback URL without its token segment is missing-token, not a wrong token named after the integration', () => {
    expect(verify(req('/webhooks/mpesa'), ctx)).toEqual({ ok: false, reason: 'missing-token', status: 401 });
    expect(verify(req('/webhooks/mpesa/'), ctx)).toMatchObject({ reason: 'missing-token' });
    expect(verify(req('/webhooks/mpesa/x'), ctx)).toMatchObject({ reason: 'bad-token' });
  });

  it('signs by appending the token to the path', () => {
    const input = { body, path: '/webhooks/mpesa', now: NOW };
    const signed = signWebhook(settings('token', [SECRET]), input);
    expect(signed.path).toBe(`/webhooks/mpesa/${SECRET}`);
    expect(verify(requestFrom(input, signed), ctx).ok).toBe(true);
  });
});

describe('token in a query parameter or a header', () => {
  it('query: reads the configured parameter', () => {
    const s = settings('token', [SECRET], { location: 'query', name: 'key' });
    const verify = createVerifier(s);
    expect(verify(req('/webhooks/at', { key: SECRET }), ctx).ok).toBe(true);
    expect(verify(req('/webhooks/at', { token: SECRET }), ctx)).toMatchObject({ reason: 'missing-token' });
    const input = { body, path: '/webhooks/at', query: { a: '1' }, now: NOW };
    const signed = signWebhook(s, input);
    expect(signed.query).toEqual({ a: '1', key: SECRET });
    expect(verify(requestFrom(input, signed), ctx).ok).toBe(true);
  });

  it('header: Authorization takes a Bearer token', () => {
    const s = settings('token', [SECRET], { location: 'header', name: 'Authorization' });
    const verify = createVerifier(s);
    expect(verify(req('/webhooks/p', {}, { authorization: `Bearer ${SECRET}` }), ctx).ok).toBe(true);
    expect(verify(req('/webhooks/p', {}, { authorization: 'Bearer nope' }), ctx)).toMatchObject({ reason: 'bad-token' });
    expect(signWebhook(s, { body, now: NOW }).headers).toEqual({ authorization: `Bearer ${SECRET}` });
  });

  it('rotation: either configured token is accepted', () => {
    const verify = createVerifier(settings('token', ['old-token', 'new-token']));
    expect(verify(req('/webhooks/x/old-token'), ctx).ok).toBe(true);
    expect(verify(req('/webhooks/x/new-token'), ctx).ok).toBe(true);
    expect(verify(req('/webhooks/x/older-token'), ctx).ok).toBe(false);
  });
});

describe('flutterwave verif-hash', () => {
  const verify = createVerifier(settings('flutterwave', ['my-secret-hash']));
  it('is an equality check on the secret itself', () => {
    expect(verify(req('/webhooks/flw', {}, { 'verif-hash': 'my-secret-hash' }), ctx)).toEqual({ ok: true });
    expect(verify(req('/webhooks/flw', {}, { 'verif-hash': 'my-secret-has' }), ctx)).toEqual({ ok: false, reason: 'bad-signature', status: 401 });
    expect(signWebhook(settings('flutterwave', ['my-secret-hash']), { body, now: NOW }).headers).toEqual({ 'verif-hash': 'my-secret-hash' });
  });
});

describe('none (allow-list only)', () => {
  it('accepts from an allowed address and nothing else', () => {
    const verify = createVerifier(settings('none', [], { allowIps: ['196.201.214.0/24'] }));
    expect(verify(req('/webhooks/mpesa'), ctx)).toEqual({ ok: true });
    expect(verify({ ...req('/webhooks/mpesa'), sourceIp: '8.8.8.8' }, ctx)).toEqual({ ok: false, reason: 'ip-not-allowed', status: 403 });
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/core/errors.js';
import { createVerifier } from '../../src/webhooks/verify/verify.js';
import { signWebhook } from '../../src/webhooks/sign/sign-webhook.js';
import type { VerifyRequest } from '../../src/webhooks/verify/types.js';
import { NOW, NOW_S, requestFrom, settings, withHeaders } from './webhook-verify-fixtures.js';

/**
 * The vector from sendgrid-nodejs packages/eventwebhook/src/eventwebhook.spec.js:
 * the dashboard's base64 DER verification key, a signature over
 * TIMESTAMP + PAYLOAD, and another account's key that must not verify it.
 */
const PUBLIC_KEY = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==';
const OTHER_KEY = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA==';
const SIGNATURE = 'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=';
const TIMESTAMP = '1588788367';
const PAYLOAD = '{"category":"example_payload","event":"test_event","message_id":"message_id"}';
const AT_VECTOR = { now: Number(TIMESTAMP) * 1000 };

function vectorRequest(overrides: { body?: string; signature?: string; timestamp?: string } = {}): VerifyRequest {
  return {
    method: 'POST',
    path: '/webhooks/sendgrid',
    query: {},
    headers: {
      'content-type': 'application/json',
      'x-twilio-email-event-webhook-signature': overrides.signature ?? SIGNATURE,
      'x-twilio-email-event-webhook-timestamp': overrides.timestamp ?? TIMESTAMP,
    },
    rawBody: Buffer.from(overrides.body ?? PAYLOAD),
  };
}

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    publicDer: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    privateDer: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  };
}

describe('sendgrid (signed event webhook)', () => {
  it('accepts SendGrid’s published example, and rejects it under another account’s key', () => {
    expect(createVerifier(settings('sendgrid', [PUBLIC_KEY]))(vectorRequest(), AT_VECTOR)).toEqual({ ok: true });
    expect(createVerifier(settings('sendgrid', [OTHER_KEY]))(vectorRequest(), AT_VECTOR)).toEqual({ ok: false, reason: 'bad-signature', status: 401 });
  });

  it('rejects the example with a changed payload, signature or timestamp', () => {
    const verify = createVerifier(settings('sendgrid', [PUBLIC_KEY]));
    expect(verify(vectorRequest({ body: 'payload' }), AT_VECTOR)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(verify(vectorRequest({ signature: SIGNATURE.replace('NH2j', 'NH3j') }), AT_VECTOR)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(verify(vectorRequest({ timestamp: String(Number(TIMESTAMP) + 1) }), { now: AT_VECTOR.now + 1000 })).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(verify(vectorRequest({ timestamp: 'timestamp' }), AT_VECTOR)).toMatchObject({ ok: false, reason: 'malformed-timestamp' });
  });

  it('holds the timestamp to toleranceSeconds', () => {
    const verify = createVerifier(settings('sendgrid', [PUBLIC_KEY]));
    expect(verify(vectorRequest(), { now: AT_VECTOR.now + 301_000 })).toMatchObject({ ok: false, reason: 'timestamp-out-of-tolerance' });
    expect(verify(vectorRequest(), { now: AT_VECTOR.now + 299_000 }).ok).toBe(true);
    const lenient = createVerifier(settings('sendgrid', [PUBLIC_KEY], { toleranceSeconds: 3 * 86_400 }));
    expect(lenient(vectorRequest(), { now: AT_VECTOR.now + 86_400_000 }).ok).toBe(true);
  });

  it('reports missing and malformed headers by name', () => {
    const verify = createVerifier(settings('sendgrid', [PUBLIC_KEY]));
    const req = vectorRequest();
    expect(verify(withHeaders(req, (h) => delete h['x-twilio-email-event-webhook-signature']), AT_VECTOR)).toEqual({ ok: false, reason: 'missing-signature', status: 401 });
    expect(verify(withHeaders(req, (h) => delete h['x-twilio-email-event-webhook-timestamp']), AT_VECTOR)).toMatchObject({ reason: 'missing-timestamp' });
    expect(verify(vectorRequest({ signature: 'not base64!' }), AT_VECTOR)).toMatchObject({ reason: 'malformed-signature' });
    expect(verify(vectorRequest({ signature: Buffer.from('not a DER signature').toString('base64') }), AT_VECTOR)).toMatchObject({ ok: false });
  });

  it('verifies what it signs with a test key pair, in DER or PEM, and any of several keys during a rotation', () => {
    const pair = keyPair();
    const old = keyPair();
    const body = '[{"email":"a@example.com","event":"delivered","sg_event_id":"ev1","sg_message_id":"m1.filter","timestamp":1705320000}]';
    for (const signingKey of [pair.privatePem, pair.privateDer]) {
      const s = settings('sendgrid', [old.publicDer, pair.publicDer], { signingKey });
      const input = { body, now: NOW };
      const signed = signWebhook(s, input);
      expect(signed.headers['x-twilio-email-event-webhook-timestamp']).toBe(String(NOW_S));
      const req = requestFrom(input, signed);
      expect(createVerifier(s)(req, { now: NOW })).toEqual({ ok: true });
      expect(createVerifier(settings('sendgrid', [pair.publicPem]))(req, { now: NOW })).toEqual({ ok: true });
      expect(createVerifier(settings('sendgrid', [old.publicDer]))(req, { now: NOW })).toMatchObject({ ok: false, reason: 'bad-signature' });
    }
  });

  it('refuses settings no request could pass: a secret that is no EC public key; signing without a private key', () => {
    for (const bad of ['not-a-key', keyPair().privatePem, generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).toString('base64')]) {
      expect(() => createVerifier(settings('sendgrid', [bad]))).toThrow(IntegrationError);
    }
    expect(() => createVerifier(settings('sendgrid', []))).toThrow(/at least one secret/);
    expect(() => signWebhook(settings('sendgrid', [PUBLIC_KEY]), { body: '[]', now: NOW })).toThrow(/signingKey/);
    expect(() => signWebhook(settings('sendgrid', [PUBLIC_KEY], { signingKey: 'junk' }), { body: '[]', now: NOW })).toThrow(/not a private key/);
  });
});

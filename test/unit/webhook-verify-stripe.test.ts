import { describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { createVerifier } from '../../src/webhooks/verify/verify.js';
import { signWebhook } from '../../src/webhooks/sign/sign-webhook.js';
import { NOW, NOW_S, requestFrom, settings } from './webhook-verify-fixtures.js';

const SECRET = 'whsec_test_5f1c0d7e9a2b4c6d8e0f1a2b3c4d5e6f';
const BODY = JSON.stringify({ id: 'evt_3Pq', object: 'event', type: 'payment_intent.succeeded', data: { object: { id: 'pi_1', amount: 2000 } } }, null, 2);
const ctx = { now: NOW };
const verify = createVerifier(settings('stripe', [SECRET]));

function request(signature: string, body = BODY) {
  return requestFrom({ body, now: NOW }, { headers: { 'stripe-signature': signature } });
}

describe('stripe interop with the official package', () => {
  it('accepts generateTestHeaderString output and takes the event id from the body', () => {
    const header = Stripe.webhooks.generateTestHeaderString({ payload: BODY, secret: SECRET, timestamp: NOW_S });
    expect(verify(request(header), ctx)).toEqual({ ok: true, eventId: 'evt_3Pq' });
  });

  it('rejects generateTestHeaderString output for another secret or at another time', () => {
    const other = Stripe.webhooks.generateTestHeaderString({ payload: BODY, secret: 'whsec_other', timestamp: NOW_S });
    expect(verify(request(other), ctx)).toEqual({ ok: false, reason: 'bad-signature', status: 400 });
    const stale = Stripe.webhooks.generateTestHeaderString({ payload: BODY, secret: SECRET, timestamp: NOW_S - 301 });
    expect(verify(request(stale), ctx)).toEqual({ ok: false, reason: 'timestamp-out-of-tolerance', status: 400 });
    const future = Stripe.webhooks.generateTestHeaderString({ payload: BODY, secret: SECRET, timestamp: NOW_S + 301 });
    expect(verify(request(future), ctx)).toMatchObject({ ok: false, reason: 'timestamp-out-of-tolerance' });
  });

  it('our signer passes stripe.webhooks.constructEvent', () => {
    const { headers } = signWebhook(settings('stripe', [SECRET]), { body: BODY, now: NOW });
    const event = Stripe.webhooks.constructEvent(BODY, headers['stripe-signature'], SECRET, 300, undefined, NOW);
    expect(event.id).toBe('evt_3Pq');
  });

  it('accepts a header with several v1 signatures (Stripe rolling a secret) and a v0', () => {
    const good = Stripe.webhooks.generateTestHeaderString({ payload: BODY, secret: SECRET, timestamp: NOW_S });
    const sig = good.split('v1=')[1];
    const header = `t=${NOW_S},v1=${'0'.repeat(64)},v1=${sig},v0=${'1'.repeat(64)}`;
    expect(verify(request(header), ctx).ok).toBe(true);
  });

  it.each([
    ['no v1', `t=${NOW_S},v0=abc`, 'malformed-signature'],
    ['no t', `v1=${'a'.repeat(64)}`, 'malformed-signature'],
    ['two t (duplicated header)', `t=${NOW_S},v1=${'a'.repeat(64)}, t=${NOW_S},v1=${'a'.repeat(64)}`, 'malformed-signature'],
    ['an item without =', `t=${NOW_S},v1`, 'malformed-signature'],
    ['a non-numeric t', `t=now,v1=${'a'.repeat(64)}`, 'malformed-timestamp'],
  ])('rejects a header with %s', (_label, header, reason) => {
    expect(verify(request(header), ctx)).toEqual({ ok: false, reason, status: 400 });
  });

  it('has no event id when the signed body is not a JSON object', () => {
    const header = Stripe.webhooks.generateTestHeaderString({ payload: 'plain', secret: SECRET, timestamp: NOW_S });
    expect(verify(request(header, 'plain'), ctx)).toEqual({ ok: true, eventId: undefined });
  });
});

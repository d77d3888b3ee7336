import { describe, expect, it } from 'vitest';
import { createVerifier, verifyWebhook } from '../../src/webhooks/verify/verify.js';
import { signWebhook } from '../../src/webhooks/sign/sign-webhook.js';
import { schemeNames } from '../../src/webhooks/verify/schemes.js';
import type { WebhookSettings } from '../../src/config/types.js';
import type { SignInput } from '../../src/webhooks/verify/types.js';
import { NOW, requestFrom, settings, withHeaders } from './webhook-verify-fixtures.js';

const PUBLIC_URL = 'https://hooks.example.com';
const ctx = { now: NOW, publicUrl: PUBLIC_URL };
const JSON_BODY = '{"id":"evt_1NQ","type":"payment.succeeded","event_id":"Ev123","data":{"amount":1500}}';
const FORM_BODY = 'MessageSid=SM123&MessageStatus=delivered&To=%2B15550001111&From=%2B15550002222';

interface Case {
  scheme: string;
  secrets: [string, string];
  options?: Partial<WebhookSettings>;
  /** Headers that carry the proof; removing or duplicating any one must fail. */
  proofHeaders: string[];
  timestamped: boolean;
  /** Whether the proof covers the body (plain shared-secret schemes do not). */
  bodyBound: boolean;
  body: string;
  missingStatus: number;
  badStatus: number;
  badReason: string;
  missingReason: string;
  /** The id, or DIGEST where the scheme signs no id: a digest of the signed content (unsigned headers cannot change it). */
  eventId?: string;
}

const DIGEST = 'sha256:<digest of the signed content>';

const cases: Case[] = [
  { scheme: 'standard-webhooks', secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_c2Vjb25kLXNlY3JldC1rZXktYnl0ZXMtMTIz'], proofHeaders: ['webhook-signature', 'webhook-timestamp', 'webhook-id'], timestamped: true, bodyBound: true, body: JSON_BODY, missingStatus: 401, badStatus: 401, badReason: 'bad-signature', missingReason: 'missing-signature', eventId: 'msg_fixed' },
  { scheme: 'stripe', secrets: ['whsec_test_secret_one', 'whsec_test_secret_two'], proofHeaders: ['stripe-signature'], timestamped: true, bodyBound: true, body: JSON_BODY, missingStatus: 400, badStatus: 400, badReason: 'bad-signature', missingReason: 'missing-signature', eventId: 'evt_1NQ' },
  { scheme: 'github', secrets: ['gh-secret-1', 'gh-secret-2'], proofHeaders: ['x-hub-signature-256'], timestamped: false, bodyBound: true, body: JSON_BODY, missingStatus: 401, badStatus: 401, badReason: 'bad-signature', missingReason: 'missing-signature', eventId: DIGEST },
  { scheme: 'meta', secrets: ['app-secret-1', 'app-secret-2'], proofHeaders: ['x-hub-signature-256'], timestamped: false, bodyBound: true, body: JSON_BODY, missingStatus: 401, badStatus: 401, badReason: 'bad-signature', missingReason: 'missing-signature', eventId: DIGEST },
  { scheme: 'twilio', secrets: ['twilio-token-1', 'twilio-token-2'], proofHeaders: ['x-twilio-signature'], timestamped: false, bodyBound: true, body: FORM_BODY, missingStatus: 400, badStatus: 403, badReason: 'bad-signature', missingReason: 'missing-signature', eventId: DIGEST },
  { scheme: 'slack', secrets: ['slack-signing-1', 'slack-signing-2'], proofHeaders: ['x-slack-signature', 'x-slack-request-timestamp'], timestamped: true, bodyBound: true, body: JSON_BODY, missingStatus: 401, badStatus: 401, badReason: 'bad-signature', missingReason: 'missing-signature', eventId: 'Ev123' },
  { scheme: 'shopify', secrets: ['shpss_1', 'shpss_2'], proofHeaders: ['x-shopify-hmac-sha256'], timestamped: false, bodyBound: true, body: JSON_BODY, missingStatus: 401, badStatus: 401, badReason: 'bad-signature', missingReason: 'missing-signature', eventId: DIGEST },
  { scheme: 'razorpay', secrets: ['rzp-secret-1', 'rzp-secret-2'], proofHeaders: ['x-razorpay-signature'], timestamped: false, bodyBound: true, body: JSON_BODY, missingStatus: 401, badStatus: 401, badReason: 'bad-signature', missingReason: 'missing-signature', eventId: DIGEST },
  { scheme: 'paystack', secrets: ['sk_test_1', 'sk_test_2'], proofHeaders: ['x-paystack-signature'], timestamped: false, bodyBound: true, body: JSON_BODY, missingStatus: 401, badStatus: 401, badReason: 'bad-signature', missingReason: 'missing-signature', eventId: DIGEST },
  { scheme: 'flutterwave', secrets: ['flw-hash-1', 'flw-hash-2'], proofHeaders: ['verif-hash'], timestamped: false, bodyBound: false, body: JSON_BODY, missingStatus: 401, badStatus: 401, badReason: 'bad-signature', missingReason: 'missing-signature' },
  { scheme: 'hmac', secrets: ['generic-1', 'generic-2'], options: { header: 'X-Signature', algorithm: 'sha512', encoding: 'base64', prefix: 'sha512=', timestampHeader: 'X-Timestamp', idHeader: 'X-Delivery', template: '{id}:{timestamp}:{body}' }, proofHeaders: ['x-signature', 'x-timestamp'], timestamped: true, bodyBound: true, body: JSON_BODY, missingStatus: 401, badStatus: 401, badReason: 'bad-signature', missingReason: 'missing-signature', eventId: 'msg_fixed' },
  { scheme: 'hmac', secrets: ['plain-1', 'plain-2'], options: { header: 'X-Sig', algorithm: 'sha1' }, proofHeaders: ['x-sig'], timestamped: false, bodyBound: true, body: JSON_BODY, missingStatus: 401, badStatus: 401, badReason: 'bad-signature', missingReason: 'missing-signature', eventId: DIGEST },
  { scheme: 'token', secrets: ['tok-1-abcdefgh', 'tok-2-abcdefgh'], options: { location: 'header', name: 'X-Callback-Token' }, proofHeaders: ['x-callback-token'], timestamped: false, bodyBound: false, body: JSON_BODY, missingStatus: 401, badStatus: 401, badReason: 'bad-token', missingReason: 'missing-token' },
];

function wrongSecret(c: Case): string {
  return c.scheme === 'standard-webhooks' ? `whsec_${Buffer.from('a different key').toString('base64')}` : `wrong-${c.secrets[0]}`;
}

function signed(c: Case, secrets: string[], at = NOW, body = c.body) {
  const s = settings(c.scheme, secrets, c.options);
  const input: SignInput = { body, now: at, id: 'msg_fixed', path: '/webhooks/acme', publicUrl: PUBLIC_URL };
  return requestFrom(input, signWebhook(s, input));
}

describe('every scheme', () => {
  it('has a case here', () => {
    // sendgrid signs with a key pair, not a shared secret: webhook-verify-sendgrid.test.ts covers it.
    const covered = new Set([...cases.map((c) => c.scheme), 'sendgrid']);
    expect(schemeNames().filter((n) => n !== 'none' && !covered.has(n))).toEqual([]);
  });

  for (const c of cases) {
    const label = `${c.scheme}${c.options ? ` ${JSON.stringify(c.options)}` : ''}`;
    describe(label, () => {
      const verifier = createVerifier(settings(c.scheme, [c.secrets[0]], c.options));

      it('accepts what it signs and extracts the event id', () => {
        const result = verifier(signed(c, [c.secrets[0]]), ctx);
        if (c.eventId !== DIGEST) expect(result.ok ? result.eventId : 'rejected').toBe(c.eventId);
        else expect(result).toEqual({ ok: true, eventId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), unsignedHeaders: true });
      });

      if (c.eventId === DIGEST) {
        it('keeps the same event id when an unsigned id header is changed (a replay under a new delivery id)', () => {
          const first = signed(c, [c.secrets[0]]);
          const replay = withHeaders(first, (h) => {
            for (const name of ['x-github-delivery', 'x-razorpay-event-id', 'x-shopify-webhook-id', 'i-twilio-idempotency-token']) h[name] = 'other';
          });
          const a = verifier(first, ctx);
          const b = verifier(replay, ctx);
          expect(b.ok && a.ok && b.eventId === a.eventId).toBe(true);
          const other = verifier(signed(c, [c.secrets[0]], NOW, c.body.replace(/1500|delivered/, 'changed')), ctx);
          expect(other.ok && a.ok && other.eventId !== a.eventId).toBe(true);
        });
      }

      it('rejects a request signed with another secret', () => {
        expect(verifier(signed(c, [wrongSecret(c)]), ctx)).toEqual({ ok: false, reason: c.badReason, status: c.badStatus });
      });

      if (c.bodyBound) {
        it('rejects a tampered body', () => {
          const req = signed(c, [c.secrets[0]]);
          const tampered = Buffer.from(req.rawBody.toString('utf8').replace(/1500|delivered/, (m) => (m === '1500' ? '9500' : 'failed')));
          expect(tampered.equals(req.rawBody)).toBe(false);
          expect(verifier({ ...req, rawBody: tampered }, ctx)).toMatchObject({ ok: false, status: c.badStatus });
        });
      }

      for (const header of c.proofHeaders) {
        it(`rejects a request without ${header}`, () => {
          const req = withHeaders(signed(c, [c.secrets[0]]), (h) => delete h[header]);
          const result = verifier(req, ctx);
          expect(result.ok).toBe(false);
          if (header === c.proofHeaders[0]) expect(result).toEqual({ ok: false, reason: c.missingReason, status: c.missingStatus });
        });

        it(`rejects a duplicated ${header} (two headers joined by the HTTP layer)`, () => {
          const req = withHeaders(signed(c, [c.secrets[0]]), (h) => {
            h[header] = `${h[header]}, ${h[header]}`;
          });
          expect(verifier(req, ctx).ok).toBe(false);
        });

        it(`rejects a garbled ${header}`, () => {
          const req = withHeaders(signed(c, [c.secrets[0]]), (h) => {
            h[header] = h[header].slice(0, -3) + '%%%';
          });
          expect(verifier(req, ctx).ok).toBe(false);
        });
      }

      it('accepts both the old and the new secret during rotation, and only those', () => {
        const rotating = createVerifier(settings(c.scheme, [...c.secrets], c.options));
        expect(rotating(signed(c, [c.secrets[0]]), ctx).ok).toBe(true);
        expect(rotating(signed(c, [c.secrets[1]]), ctx).ok).toBe(true);
        expect(verifier(signed(c, [c.secrets[1]]), ctx).ok).toBe(false);
      });

      if (c.timestamped) {
        it('accepts timestamps inside the tolerance in both directions', () => {
          expect(verifier(signed(c, [c.secrets[0]], NOW - 299_000), ctx).ok).toBe(true);
          expect(verifier(signed(c, [c.secrets[0]], NOW + 299_000), ctx).ok).toBe(true);
        });

        it('rejects stale and future timestamps', () => {
          const stale = verifier(signed(c, [c.secrets[0]], NOW - 301_000), ctx);
          const future = verifier(signed(c, [c.secrets[0]], NOW + 301_000), ctx);
          expect(stale).toMatchObject({ ok: false, reason: 'timestamp-out-of-tolerance' });
          expect(future).toMatchObject({ ok: false, reason: 'timestamp-out-of-tolerance' });
        });

        it('honours a configured tolerance', () => {
          const strict = createVerifier(settings(c.scheme, [c.secrets[0]], { ...c.options, toleranceSeconds: 10 }));
          expect(strict(signed(c, [c.secrets[0]], NOW - 9_000), ctx).ok).toBe(true);
          expect(strict(signed(c, [c.secrets[0]], NOW - 11_000), ctx)).toMatchObject({ reason: 'timestamp-out-of-tolerance' });
        });
      }

      it('verifyWebhook gives the same answers as createVerifier', () => {
        const s = settings(c.scheme, [c.secrets[0]], c.options);
        expect(verifyWebhook(s, signed(c, [c.secrets[0]]), ctx).ok).toBe(true);
        expect(verifyWebhook(s, signed(c, [c.secrets[1]]), ctx).ok).toBe(false);
      });
    });
  }
});

describe('configuration problems surface when the verifier is built', () => {
  it.each([
    ['an unknown scheme', settings('nope', ['x'])],
    ['no secrets', settings('github', [])],
    ['a standard-webhooks secret that is not base64', settings('standard-webhooks', ['whsec_***'])],
    ['hmac without a header', settings('hmac', ['x'])],
    ['hmac with an unknown placeholder', settings('hmac', ['x'], { header: 'x-sig', template: '{nonce}.{body}' })],
    ['hmac with {timestamp} but no timestamp header', settings('hmac', ['x'], { header: 'x-sig', template: '{timestamp}.{body}' })],
    ['hmac with a bad algorithm', settings('hmac', ['x'], { header: 'x-sig', algorithm: 'md5' })],
    ['a bad CIDR', settings('github', ['x'], { allowIps: ['10.0.0.0/33'] })],
    ['an unsigned scheme without an allow-list', settings('none', [])],
    ['a negative tolerance', settings('stripe', ['x'], { toleranceSeconds: -1 })],
  ])('%s', (_label, s) => {
    expect(() => createVerifier(s)).toThrow(expect.objectContaining({ category: 'CONFIG_INVALID' }));
  });
});

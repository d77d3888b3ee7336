import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { WebhookSettings } from '../../config/types.js';
import { configError, requireSecrets, stringOption } from './options.js';
import { checkWindow, parseTimestamp, toleranceOf } from './timestamp.js';
import { fail, type SchemeDefinition, type SignInput, type SignOutput, type VerifyResult } from './types.js';

/**
 * SendGrid's Signed Event Webhook (sendgrid-nodejs packages/eventwebhook):
 * X-Twilio-Email-Event-Webhook-Signature is a base64 DER ECDSA signature,
 * SHA-256, over the X-Twilio-Email-Event-Webhook-Timestamp value followed
 * by the raw body. The key is asymmetric, so `secrets` hold the account's
 * verification keys (public: base64 DER SubjectPublicKeyInfo as the
 * dashboard shows it, or PEM); several verify during a rotation. The curve
 * is P-256 in practice (UNCONFIRMED), so any EC key is accepted. SendGrid
 * documents no replay window; the timestamp is held to toleranceSeconds
 * like every other scheme's.
 */
const SIGNATURE = 'x-twilio-email-event-webhook-signature';
const TIMESTAMP = 'x-twilio-email-event-webhook-timestamp';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function der(value: string): Buffer {
  return Buffer.from(value.replace(/\s+/g, ''), 'base64');
}

function publicKey(settings: WebhookSettings, value: string): KeyObject {
  // createPublicKey would derive one from a private key; a private key has no business in config here.
  if (/PRIVATE KEY/.test(value)) throw configError(settings, 'a secret is a private key; give the public verification key');
  let key: KeyObject;
  try {
    key = value.includes('-----BEGIN') ? createPublicKey(value) : createPublicKey({ key: der(value), format: 'der', type: 'spki' });
  } catch {
    throw configError(settings, 'a secret is not a public key (expected the verification key as base64 DER or PEM)');
  }
  if (key.asymmetricKeyType !== 'ec') throw configError(settings, 'a secret is not an elliptic-curve (ECDSA) public key');
  return key;
}

function signingKey(settings: WebhookSettings): KeyObject {
  const value = stringOption(settings, 'signingKey');
  if (!value) {
    throw configError(settings, 'signing needs option "signingKey": SendGrid signs with a private key only it holds, so local signing takes a test key pair whose public half is in secrets');
  }
  try {
    return value.includes('-----BEGIN') ? createPrivateKey(value) : createPrivateKey({ key: der(value), format: 'der', type: 'pkcs8' });
  } catch {
    throw configError(settings, 'option "signingKey" is not a private key (PEM, or base64 DER PKCS#8)');
  }
}

export const sendgrid: SchemeDefinition = {
  name: 'sendgrid',
  needsSecret: true,
  compile(settings) {
    const keys = requireSecrets(settings).map((s) => publicKey(settings, s));
    const tolerance = toleranceOf(settings);
    return (req, ctx): VerifyResult => {
      const provided = req.headers[SIGNATURE];
      if (!provided) return fail('missing-signature');
      const timestamp = req.headers[TIMESTAMP];
      if (!timestamp) return fail('missing-timestamp');
      const seconds = parseTimestamp(timestamp);
      if (seconds === undefined) return fail('malformed-timestamp');
      if (!BASE64.test(provided)) return fail('malformed-signature');
      if (checkWindow(seconds, ctx.now, tolerance)) return fail('timestamp-out-of-tolerance');
      const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), req.rawBody]);
      const signature = Buffer.from(provided, 'base64');
      for (const key of keys) {
        try {
          if (verify('sha256', signed, { key, dsaEncoding: 'der' }, signature)) return { ok: true };
        } catch {
          // A signature that is not DER at all: no key will take it.
          return fail('malformed-signature');
        }
      }
      return fail('bad-signature');
    };
  },
  sign(settings, input: SignInput): SignOutput {
    const key = signingKey(settings);
    const timestamp = String(Math.floor(input.now / 1000));
    const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp, 'utf8'), Buffer.from(input.body, 'utf8')]), { key, dsaEncoding: 'der' });
    return { headers: { [SIGNATURE]: signature.toString('base64'), [TIMESTAMP]: timestamp } };
  },
};

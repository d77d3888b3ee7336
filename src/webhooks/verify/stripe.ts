import type { KeyObject } from 'node:crypto';
import { digestEquals } from './constant-time.js';
import { hmacDigest, hmacKey } from './digest.js';
import { jsonField } from './json-field.js';
import { requireSecrets } from './options.js';
import { checkWindow, parseTimestamp, toleranceOf } from './timestamp.js';
import { fail, type SchemeDefinition, type VerifyResult } from './types.js';

/**
 * Stripe-Signature: `t=<unix>,v1=<hex>[,v1=<hex>…][,v0=…]`, HMAC-SHA256 over
 * `${t}.${body}` keyed with the whole `whsec_…` string (not base64-decoded,
 * unlike Standard Webhooks). Stripe's docs answer a bad signature with 400.
 */
const STATUS = 400;

interface Parsed {
  timestamp: string;
  signatures: string[];
}

/** Undefined when the header is garbled: an item without `=`, or more than one `t` (two headers joined). */
function parseHeader(value: string): Parsed | undefined {
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const raw of value.split(',')) {
    const item = raw.trim();
    const eq = item.indexOf('=');
    if (eq <= 0) return undefined;
    const name = item.slice(0, eq);
    const v = item.slice(eq + 1);
    if (name === 't') {
      if (timestamp !== undefined) return undefined;
      timestamp = v;
    } else if (name === 'v1') {
      signatures.push(v);
    }
  }
  return timestamp === undefined ? undefined : { timestamp, signatures };
}

function stripeSignature(key: KeyObject, timestamp: number, body: string | Buffer): string {
  return hmacDigest('sha256', key, [`${timestamp}.`, body], 'hex');
}

export const stripe: SchemeDefinition = {
  name: 'stripe',
  needsSecret: true,
  compile(settings) {
    const keys = requireSecrets(settings).map((s) => hmacKey(s));
    const tolerance = toleranceOf(settings);
    return (req, ctx): VerifyResult => {
      const value = req.headers['stripe-signature'];
      if (!value) return fail('missing-signature', STATUS);
      const parsed = parseHeader(value);
      if (!parsed || parsed.signatures.length === 0) return fail('malformed-signature', STATUS);
      const seconds = parseTimestamp(parsed.timestamp);
      if (seconds === undefined) return fail('malformed-timestamp', STATUS);
      const outside = checkWindow(seconds, ctx.now, tolerance);
      if (outside) return fail('timestamp-out-of-tolerance', STATUS);
      for (const key of keys) {
        const expected = stripeSignature(key, seconds, req.rawBody);
        for (const candidate of parsed.signatures) {
          if (digestEquals(candidate, expected)) return { ok: true, eventId: jsonField(req.rawBody, 'id') };
        }
      }
      return fail('bad-signature', STATUS);
    };
  },
  sign(settings, input) {
    const key = hmacKey(requireSecrets(settings)[0]);
    const seconds = Math.floor(input.now / 1000);
    return { headers: { 'stripe-signature': `t=${seconds},v1=${stripeSignature(key, seconds, input.body)}` } };
  },
};

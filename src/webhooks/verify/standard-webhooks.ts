import { randomUUID, type KeyObject } from 'node:crypto';
import type { WebhookSettings } from '../../config/types.js';
import { digestEquals } from './constant-time.js';
import { hmacDigest, hmacKey } from './digest.js';
import { configError, requireSecrets } from './options.js';
import { checkWindow, parseTimestamp, toleranceOf } from './timestamp.js';
import { fail, type SchemeDefinition, type SignInput, type SignOutput, type VerifyResult } from './types.js';

/**
 * Standard Webhooks (standardwebhooks.com; Svix): HMAC-SHA256 over
 * `${id}.${timestamp}.${body}` with the base64 key after `whsec_`, sent as a
 * space-separated list of `v1,<base64>` so secrets rotate without downtime.
 */
const SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function standardWebhookKey(secret: string): KeyObject {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  if (key.length === 0) throw new TypeError('a Standard Webhooks secret is "whsec_" followed by base64 key bytes');
  return hmacKey(key);
}

export function standardWebhookSignature(key: KeyObject, id: string, timestampSeconds: number, body: string | Buffer): string {
  return hmacDigest('sha256', key, [`${id}.${timestampSeconds}.`, body], 'base64');
}

function header(headers: Record<string, string>, name: string): string | undefined {
  return headers[`webhook-${name}`] ?? headers[`svix-${name}`];
}

/** The `v1` signatures of the header; undefined when any entry is not `<version>,<sig>`. */
function v1Signatures(value: string): string[] | undefined {
  const out: string[] = [];
  for (const entry of value.split(' ')) {
    if (entry === '') continue;
    const comma = entry.indexOf(',');
    if (comma <= 0 || comma === entry.length - 1 || entry.indexOf(',', comma + 1) !== -1) return undefined;
    if (entry.slice(0, comma) === 'v1') out.push(entry.slice(comma + 1));
  }
  return out;
}

function keysOf(settings: WebhookSettings): KeyObject[] {
  return requireSecrets(settings).map((secret) => {
    try {
      return standardWebhookKey(secret);
    } catch (error) {
      throw configError(settings, (error as Error).message);
    }
  });
}

export const standardWebhooks: SchemeDefinition = {
  name: 'standard-webhooks',
  needsSecret: true,
  compile(settings) {
    const keys = keysOf(settings);
    const tolerance = toleranceOf(settings);
    return (req, ctx): VerifyResult => {
      const id = header(req.headers, 'id');
      const timestamp = header(req.headers, 'timestamp');
      const signature = header(req.headers, 'signature');
      if (!signature) return fail('missing-signature');
      if (!id) return fail('missing-id');
      if (!timestamp) return fail('missing-timestamp');
      const seconds = parseTimestamp(timestamp);
      if (seconds === undefined) return fail('malformed-timestamp');
      const outside = checkWindow(seconds, ctx.now, tolerance);
      if (outside) return outside;
      const candidates = v1Signatures(signature);
      if (!candidates || candidates.length === 0) return fail('malformed-signature');
      for (const key of keys) {
        const expected = standardWebhookSignature(key, id, seconds, req.rawBody);
        for (const candidate of candidates) {
          if (digestEquals(candidate, expected)) return { ok: true, eventId: id };
        }
      }
      return fail('bad-signature');
    };
  },
  sign(settings, input: SignInput): SignOutput {
    const key = keysOf(settings)[0];
    const id = input.id ?? `msg_${randomUUID().replace(/-/g, '')}`;
    const seconds = Math.floor(input.now / 1000);
    return {
      headers: {
        'webhook-id': id,
        'webhook-timestamp': String(seconds),
        'webhook-signature': `v1,${standardWebhookSignature(key, id, seconds, input.body)}`,
      },
    };
  },
};

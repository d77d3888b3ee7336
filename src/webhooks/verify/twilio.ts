import { createHash, randomUUID, type KeyObject } from 'node:crypto';
import type { WebhookSettings } from '../../config/types.js';
import { digestEquals } from './constant-time.js';
import { contentId } from './content-id.js';
import { hmacDigest, hmacKey } from './digest.js';
import { configError, requireSecrets, stringOption } from './options.js';
import { fail, type SchemeDefinition, type SignInput, type SignOutput, type VerifyContext, type VerifyRequest, type VerifyResult } from './types.js';

/**
 * X-Twilio-Signature = base64 HMAC-SHA1(auth token, url + Σ sorted form
 * params as name+value), as twilio-node's validateRequest computes it. JSON
 * bodies instead carry `bodySHA256=<hex sha256(body)>` in the URL and sign
 * the URL alone. Twilio is inconsistent about default ports, so the URL is
 * tried with and without :443/:80. Statuses follow twilio-node's middleware:
 * 400 without the header, 403 when it does not match.
 */
const MISSING = 400;
const MISMATCH = 403;

/** The URL exactly as twilio-node would sign it (WHATWG-normalised). */
function withoutPort(url: URL): string {
  const copy = new URL(url.href);
  copy.port = '';
  return copy.toString();
}

function withPort(url: URL): string {
  if (url.port) return url.toString();
  const port = url.protocol === 'https:' ? ':443' : ':80';
  const auth = url.username ? `${url.username}${url.password ? `:${url.password}` : ''}@` : '';
  return `${url.protocol}//${auth}${url.host}${port}${url.pathname}${url.search}${url.hash}`;
}

function joinBase(base: string, path: string): string {
  return base.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}

/** Query strings to try: as parsed pairs re-encoded the form way and the RFC 3986 way. */
function queryStrings(query: Record<string, string>): string[] {
  const keys = Object.keys(query);
  if (keys.length === 0) return [''];
  const form = new URLSearchParams(query).toString();
  const rfc = keys.map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(query[k])}`).join('&');
  return form === rfc ? [`?${form}`] : [`?${form}`, `?${rfc}`];
}

function baseUrl(settings: WebhookSettings, req: VerifyRequest, ctx: VerifyContext): string | undefined {
  const configured = stringOption(settings, 'publicUrl') ?? ctx.publicUrl;
  if (configured) return configured;
  const host = req.headers.host;
  if (!host) return undefined;
  const proto = ctx.trustedProxies?.(req.sourceIp) ? req.headers['x-forwarded-proto']?.split(',')[0].trim() : undefined;
  return `${proto === 'https' ? 'https' : 'http'}://${host}`;
}

/** Every URL form Twilio may have signed, de-duplicated. */
function candidateUrls(base: string, req: VerifyRequest): string[] {
  const out = new Set<string>();
  const targets = req.path.includes('?') ? [req.path] : queryStrings(req.query).map((q) => req.path + q);
  for (const target of targets) {
    let url: URL;
    try {
      url = new URL(joinBase(base, target));
    } catch {
      continue;
    }
    out.add(withoutPort(url));
    out.add(withPort(url));
  }
  return [...out];
}

/** Sorted names; repeated names contribute each distinct value, sorted. */
function paramsString(form: URLSearchParams): string {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of form) {
    const values = grouped.get(name);
    if (values) values.push(value);
    else grouped.set(name, [value]);
  }
  let out = '';
  for (const name of [...grouped.keys()].sort()) {
    for (const value of [...new Set(grouped.get(name))].sort()) out += name + value;
  }
  return out;
}

function signature(key: KeyObject, url: string, params: string): string {
  return hmacDigest('sha1', key, [url, params], 'base64');
}

function bodyHashOf(url: string): string | null {
  return new URL(url).searchParams.get('bodySHA256');
}

function keysOf(settings: WebhookSettings): KeyObject[] {
  return requireSecrets(settings).map((s) => hmacKey(s));
}

export const twilio: SchemeDefinition = {
  name: 'twilio',
  needsSecret: true,
  compile(settings) {
    const keys = keysOf(settings);
    return (req, ctx): VerifyResult => {
      const provided = req.headers['x-twilio-signature'];
      if (!provided) return fail('missing-signature', MISSING);
      const base = baseUrl(settings, req, ctx);
      if (!base) return fail('bad-signature', MISMATCH);
      const urls = candidateUrls(base, req);
      if (urls.length === 0) return fail('bad-signature', MISMATCH);
      const bodyHash = bodyHashOf(urls[0]);
      // With bodySHA256 the signed params are empty and the body is bound through its hash.
      const params = bodyHash === null ? paramsString(new URLSearchParams(req.rawBody.toString('utf8'))) : '';
      let signed = false;
      for (const key of keys) {
        for (const url of urls) {
          if (digestEquals(provided, signature(key, url, params))) signed = true;
        }
        if (signed) break;
      }
      if (!signed) return fail('bad-signature', MISMATCH);
      if (bodyHash !== null && !digestEquals(bodyHash.toLowerCase(), createHash('sha256').update(req.rawBody).digest('hex'))) {
        return fail('body-hash-mismatch', MISMATCH);
      }
      // I-Twilio-Idempotency-Token is not signed: de-duplicate on what is.
      return { ok: true, eventId: contentId([urls[0], req.rawBody]), unsignedHeaders: true };
    };
  },
  sign(settings, input: SignInput): SignOutput {
    const key = keysOf(settings)[0];
    const base = stringOption(settings, 'publicUrl') ?? input.publicUrl;
    if (!base) throw configError(settings, 'signing needs the public URL Twilio would call (daemon.publicUrl)');
    const path = input.path ?? '/';
    const trimmed = input.body.trimStart();
    const isJson = trimmed.startsWith('{') || trimmed.startsWith('[');
    const query: Record<string, string> = { ...input.query };
    if (isJson) query.bodySHA256 = createHash('sha256').update(input.body, 'utf8').digest('hex');
    const url = new URL(joinBase(base, path + queryStrings(query)[0])).toString();
    const params = isJson ? '' : paramsString(new URLSearchParams(input.body));
    return {
      headers: {
        'x-twilio-signature': signature(key, url, params),
        'i-twilio-idempotency-token': input.id ?? randomUUID(),
      },
      query: isJson ? query : input.query,
    };
  },
};

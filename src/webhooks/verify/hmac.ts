import { randomUUID, type KeyObject } from 'node:crypto';
import type { WebhookSettings } from '../../config/types.js';
import { digestEquals } from './constant-time.js';
import { contentId } from './content-id.js';
import { hmacDigest, hmacKey, type HmacAlgorithm } from './digest.js';
import { jsonField } from './json-field.js';
import { configError, enumOption, headerName, requireSecrets, stringOption } from './options.js';
import { checkWindow, parseTimestamp, toleranceOf } from './timestamp.js';
import { fail, type SchemeDefinition, type SignInput, type SignOutput, type VerifyRequest, type VerifyResult } from './types.js';

/**
 * An HMAC of the raw body (optionally with a timestamp and id around it) in
 * one header. The generic `hmac` scheme takes these from config; GitHub,
 * Meta, Shopify, Razorpay and Paystack are fixed instances of it.
 */
export interface HmacOptions {
  header: string;
  algorithm: HmacAlgorithm;
  encoding: 'hex' | 'base64';
  /** Text before the digest, e.g. `sha256=`. */
  prefix: string;
  secretEncoding: 'utf8' | 'base64' | 'hex';
  timestampHeader?: string;
  timestampUnit: 'seconds' | 'milliseconds';
  /** Headers carrying the provider's delivery id, first present wins. */
  idHeaders: string[];
  /** Or a top-level field of a JSON body carrying the event id (Slack's event_id). */
  idBodyField?: string;
  /** Signed content; `{body}` is the raw bytes, `{timestamp}` and `{id}` the header values as sent. */
  template: string;
  /** Status for a rejected request. */
  status: number;
  /** Extra headers a provider sends alongside (GitHub and Meta still send the SHA-1 X-Hub-Signature); signing only. */
  alsoSign?: Array<{ header: string; algorithm: HmacAlgorithm; prefix: string }>;
}

type Part = { literal: string } | { field: 'body' | 'timestamp' | 'id' };

const PLACEHOLDER = /\{(body|timestamp|id)\}|\{[^}]*\}/g;

function parseTemplate(template: string, fail: (message: string) => Error): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!match[1]) throw fail(`template: unknown placeholder ${match[0]} (use {body}, {timestamp}, {id})`);
    if (match.index > last) parts.push({ literal: template.slice(last, match.index) });
    parts.push({ field: match[1] as 'body' | 'timestamp' | 'id' });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push({ literal: template.slice(last) });
  if (!parts.some((p) => 'field' in p && p.field === 'body')) throw fail('template must include {body}');
  return parts;
}

function contentOf(parts: Part[], body: string | Buffer, timestamp: string, id: string): Array<string | Buffer> {
  return parts.map((p) => ('literal' in p ? p.literal : p.field === 'body' ? body : p.field === 'timestamp' ? timestamp : id));
}

interface Compiled {
  options: HmacOptions;
  parts: Part[];
  keys: KeyObject[];
  tolerance: number;
}

function prepare(settings: WebhookSettings, options: HmacOptions): Compiled {
  const problem = (message: string) => configError(settings, message);
  const parts = parseTemplate(options.template, problem);
  if (parts.some((p) => 'field' in p && p.field === 'timestamp') && !options.timestampHeader) {
    throw problem('template uses {timestamp} but no timestampHeader is set');
  }
  if (parts.some((p) => 'field' in p && p.field === 'id') && options.idHeaders.length === 0) {
    throw problem('template uses {id} but no idHeader is set');
  }
  const keys = requireSecrets(settings).map((secret) => {
    const bytes = Buffer.from(secret, options.secretEncoding);
    if (bytes.length === 0) throw problem(`a secret does not decode as ${options.secretEncoding}`);
    return hmacKey(bytes);
  });
  return { options, parts, keys, tolerance: toleranceOf(settings) };
}

function firstHeader(headers: Record<string, string>, names: string[]): string | undefined {
  for (const name of names) {
    const value = headers[name];
    if (value) return value;
  }
  return undefined;
}

export function compileHmac(settings: WebhookSettings, options: HmacOptions) {
  const { parts, keys, tolerance } = prepare(settings, options);
  const { header, prefix, encoding, algorithm, status, timestampHeader, idHeaders, idBodyField } = options;
  const usesTimestamp = timestampHeader !== undefined;
  const divisor = options.timestampUnit === 'milliseconds' ? 1000 : 1;
  const idSigned = parts.some((p) => 'field' in p && p.field === 'id');
  return (req: VerifyRequest, ctx: { now: number }): VerifyResult => {
    const value = req.headers[header];
    if (!value) return fail('missing-signature', status);
    if (!value.startsWith(prefix) || value.length === prefix.length) return fail('malformed-signature', status);
    const provided = encoding === 'hex' ? value.slice(prefix.length).toLowerCase() : value.slice(prefix.length);
    let timestamp = '';
    if (usesTimestamp) {
      timestamp = req.headers[timestampHeader] ?? '';
      if (!timestamp) return fail('missing-timestamp', status);
      const parsed = parseTimestamp(timestamp);
      if (parsed === undefined) return fail('malformed-timestamp', status);
      if (checkWindow(parsed / divisor, ctx.now, tolerance)) return fail('timestamp-out-of-tolerance', status);
    }
    const id = firstHeader(req.headers, idHeaders);
    for (const key of keys) {
      const expected = hmacDigest(algorithm, key, contentOf(parts, req.rawBody, timestamp, id ?? ''), encoding);
      if (digestEquals(provided, expected)) {
        if (idSigned) return { ok: true, eventId: id };
        const signedId = idBodyField ? jsonField(req.rawBody, idBodyField) : undefined;
        return { ok: true, eventId: signedId ?? contentId(contentOf(parts, req.rawBody, timestamp, '')), unsignedHeaders: true };
      }
    }
    return fail('bad-signature', status);
  };
}

export function signHmac(settings: WebhookSettings, options: HmacOptions, input: SignInput): SignOutput {
  const { parts, keys } = prepare(settings, options);
  const key = keys[0];
  const headers: Record<string, string> = {};
  const timestamp = options.timestampHeader
    ? String(options.timestampUnit === 'milliseconds' ? Math.floor(input.now) : Math.floor(input.now / 1000))
    : '';
  if (options.timestampHeader) headers[options.timestampHeader] = timestamp;
  const id = options.idHeaders.length > 0 ? (input.id ?? randomUUID()) : '';
  if (options.idHeaders.length > 0) headers[options.idHeaders[0]] = id;
  headers[options.header] = options.prefix + hmacDigest(options.algorithm, key, contentOf(parts, input.body, timestamp, id), options.encoding);
  for (const extra of options.alsoSign ?? []) {
    headers[extra.header] = extra.prefix + hmacDigest(extra.algorithm, key, [input.body], options.encoding);
  }
  return { headers };
}

/** A provider scheme that is the generic HMAC with fixed options. */
export function fixedHmacScheme(name: string, options: HmacOptions): SchemeDefinition {
  return {
    name,
    needsSecret: true,
    compile: (settings) => compileHmac(settings, options),
    sign: (settings, input) => signHmac(settings, options, input),
  };
}

/** Reads the generic scheme's options from config. */
export function hmacOptionsFrom(settings: WebhookSettings): HmacOptions {
  const header = stringOption(settings, 'header');
  if (!header) throw configError(settings, 'option "header" (the signature header name) is required');
  const timestampHeader = stringOption(settings, 'timestampHeader');
  const idHeader = stringOption(settings, 'idHeader');
  return {
    header: headerName(header),
    algorithm: enumOption(settings, 'algorithm', ['sha1', 'sha256', 'sha512'] as const, 'sha256'),
    encoding: enumOption(settings, 'encoding', ['hex', 'base64'] as const, 'hex'),
    prefix: typeof settings.prefix === 'string' ? settings.prefix : '',
    secretEncoding: enumOption(settings, 'secretEncoding', ['utf8', 'base64', 'hex'] as const, 'utf8'),
    timestampHeader: timestampHeader ? headerName(timestampHeader) : undefined,
    timestampUnit: enumOption(settings, 'timestampUnit', ['seconds', 'milliseconds'] as const, 'seconds'),
    idHeaders: idHeader ? [headerName(idHeader)] : [],
    template: stringOption(settings, 'template') ?? (timestampHeader ? '{timestamp}.{body}' : '{body}'),
    status: 401,
  };
}

export const hmac: SchemeDefinition = {
  name: 'hmac',
  needsSecret: true,
  compile: (settings) => compileHmac(settings, hmacOptionsFrom(settings)),
  sign: (settings, input) => signHmac(settings, hmacOptionsFrom(settings), input),
};

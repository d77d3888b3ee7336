import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Server-side SigV4 verification, written independently of the signer the
 * adapter uses (aws4fetch): the canonical request is rebuilt from what
 * arrived on the wire and signed with the secret the simulator knows.
 */
export interface SigV4Failure {
  status: number;
  code: string;
  message: string;
  extra?: Record<string, string>;
}

export interface VerifyInput {
  method: string;
  /** The request target exactly as received (path and query). */
  rawUrl: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: Buffer;
  now: number;
}

export interface Keyring {
  region: string;
  secretFor(accessKeyId: string): string | undefined;
  sessionTokenValid(token: string): boolean;
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;
/** S3 refuses requests dated more than 15 minutes from its clock. */
const MAX_SKEW_MS = 15 * 60_000;

export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalUri(rawPath: string): string {
  return rawPath
    .split('/')
    .map((segment) => uriEncode(decodeURIComponent(segment)))
    .join('/');
}

function canonicalQuery(rawQuery: string): string {
  return [...new URLSearchParams(rawQuery)]
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function amzDateMs(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : undefined;
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

/** undefined when the request is signed correctly; otherwise the error S3 would answer. */
export function verifySigV4(req: VerifyInput, keys: Keyring): SigV4Failure | undefined {
  const auth = req.headers.authorization;
  if (!auth) return { status: 403, code: 'AccessDenied', message: 'Access Denied' };
  const m = AUTH.exec(auth);
  if (!m) return { status: 400, code: 'AuthorizationHeaderMalformed', message: 'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.' };
  const [, accessKeyId, scopeDate, region, service, signedHeaderList, signature] = m;
  const secret = keys.secretFor(accessKeyId);
  if (secret === undefined) {
    return { status: 403, code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.', extra: { AWSAccessKeyId: accessKeyId } };
  }
  if (region !== keys.region) {
    return { status: 400, code: 'AuthorizationHeaderMalformed', message: `The authorization header is malformed; the region '${region}' is wrong; expecting '${keys.region}'`, extra: { Region: keys.region } };
  }
  if (service !== 's3') return { status: 400, code: 'AuthorizationHeaderMalformed', message: `The authorization header is malformed; incorrect service "${service}". This endpoint belongs to "s3".` };
  const amzDate = req.headers['x-amz-date'] ?? '';
  const sentAt = amzDateMs(amzDate);
  if (sentAt === undefined) return { status: 403, code: 'AccessDenied', message: 'AWS authentication requires a valid Date or x-amz-date header' };
  if (Math.abs(sentAt - req.now) > MAX_SKEW_MS) {
    return { status: 403, code: 'RequestTimeTooSkewed', message: 'The difference between the request time and the current time is too large.', extra: { RequestTime: amzDate, ServerTime: new Date(req.now).toISOString() } };
  }
  const signedHeaders = signedHeaderList.split(';');
  for (const required of ['host', 'x-amz-date', 'x-amz-content-sha256']) {
    if (!signedHeaders.includes(required)) return { status: 403, code: 'AccessDenied', message: `There were headers present in the request which were not signed`, extra: { HeadersNotSigned: required } };
  }
  const token = req.headers['x-amz-security-token'];
  if (token !== undefined && !keys.sessionTokenValid(token)) return { status: 400, code: 'InvalidToken', message: 'The provided token is malformed or otherwise invalid.' };
  const payloadHash = req.headers['x-amz-content-sha256'];
  if (!payloadHash) return { status: 400, code: 'InvalidRequest', message: 'Missing required header for this request: x-amz-content-sha256' };
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== createHash('sha256').update(req.body).digest('hex')) {
    return { status: 400, code: 'XAmzContentSHA256Mismatch', message: "The provided 'x-amz-content-sha256' header does not match what was computed." };
  }
  const [rawPath, rawQuery = ''] = req.rawUrl.split(/\?(.*)/s);
  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalUri(rawPath),
    canonicalQuery(rawQuery),
    signedHeaders.map((h) => `${h}:${(req.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`).join(''),
    signedHeaderList,
    payloadHash,
  ].join('\n');
  const scope = `${scopeDate}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const expected = createHmac('sha256', signingKey(secret, scopeDate, region, service)).update(stringToSign).digest();
  const given = Buffer.from(signature, 'hex');
  if (scopeDate !== amzDate.slice(0, 8) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      extra: { AWSAccessKeyId: accessKeyId, StringToSign: stringToSign, CanonicalRequest: canonicalRequest },
    };
  }
  return undefined;
}

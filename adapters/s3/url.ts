import type { S3Config } from './config.js';

/** RFC 3986 unreserved characters stay; everything else is percent-encoded (SigV4's UriEncode). */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function endpointOf(config: S3Config): URL {
  return new URL(config.baseUrl ?? `https://s3.${config.region}.amazonaws.com`);
}

/** Dotted bucket names cannot be virtual-hosted over TLS (the wildcard certificate covers one label). */
export function usesPathStyle(config: S3Config): boolean {
  return config.pathStyle ?? (config.baseUrl !== undefined || config.bucket.includes('.'));
}

/**
 * The URL of the bucket (no key) or of an object, with its query. The query
 * is written RFC 3986-encoded (%20, not "+"), as the signature encodes it.
 */
export function s3Url(config: S3Config, key?: string, query: Record<string, string | undefined> = {}): URL {
  const base = endpointOf(config);
  const basePath = base.pathname.replace(/\/+$/, '');
  const encodedKey = key === undefined ? '' : `/${key.split('/').map(encodeRfc3986).join('/')}`;
  const url = usesPathStyle(config)
    ? new URL(`${base.protocol}//${base.host}${basePath}/${encodeRfc3986(config.bucket)}${encodedKey}`)
    : new URL(`${base.protocol}//${config.bucket}.${base.host}${basePath}${encodedKey || '/'}`);
  const pairs = Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined);
  url.search = pairs.map(([k, v]) => `${encodeRfc3986(k)}=${encodeRfc3986(v)}`).join('&');
  return url;
}

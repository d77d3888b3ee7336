import type { IncomingMessage } from 'node:http';

export type Route =
  | { kind: 'healthz' | 'readyz' | 'metrics' }
  | { kind: 'webhook'; integration: string; hasToken: boolean }
  | { kind: 'not-found' };

export interface SplitUrl {
  path: string;
  query: Record<string, string>;
  rawQuery: string;
}

export function splitUrl(url: string | undefined): SplitUrl {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  if (q === -1) return { path: raw, query: {}, rawQuery: '' };
  const rawQuery = raw.slice(q + 1);
  // The last of a repeated parameter wins, as in most frameworks.
  return { path: raw.slice(0, q), query: Object.fromEntries(new URLSearchParams(rawQuery)), rawQuery };
}

/** `/webhooks/<integration>` or `/webhooks/<integration>/<token>`; names are never decoded into anything odd. */
export function route(path: string): Route {
  if (path === '/healthz') return { kind: 'healthz' };
  if (path === '/readyz') return { kind: 'readyz' };
  if (path === '/metrics') return { kind: 'metrics' };
  if (!path.startsWith('/webhooks/')) return { kind: 'not-found' };
  const parts = path.slice('/webhooks/'.length).split('/');
  if (parts.length > 2 || parts[0] === '' || (parts.length === 2 && parts[1] === '')) return { kind: 'not-found' };
  // Integration names are [a-z0-9-]: anything needing decoding is not one of ours.
  if (!/^[a-z0-9][a-z0-9-]*$/.test(parts[0])) return { kind: 'not-found' };
  return { kind: 'webhook', integration: parts[0], hasToken: parts.length === 2 };
}

/** Lower-cased names; a repeated header arrives joined with ", " (Node's rule), which a verifier treats as malformed. */
export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const h = req.headers;
  for (const name in h) {
    const v = h[name];
    if (v !== undefined) out[name] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

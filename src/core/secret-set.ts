import type { HttpClient } from '../http/types.js';
import { MIN_SECRET_LENGTH } from './secret-forms.js';

/**
 * Every secret one process knows: the config's, and those obtained at run
 * time (OAuth tokens, session keys, the credentials adapters send). One set is
 * shared by the executor, the loggers and error rendering, and read live, so a
 * token fetched mid-run is masked in the next line logged.
 */
export class SecretSet implements Iterable<string> {
  private readonly values = new Set<string>();

  constructor(initial: Iterable<string> = []) {
    this.addAll(initial);
  }

  add(value: unknown): void {
    if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) this.values.add(value);
  }

  addAll(values: Iterable<string>): void {
    for (const v of values) this.add(v);
  }

  [Symbol.iterator](): Iterator<string> {
    return this.values.values();
  }
}

/** Request headers that carry a credential whatever the provider (lower-cased). */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'x-auth-token', 'x-access-token']);

/**
 * Wraps an adapter's HTTP client so that every credential it sends is a
 * secret before the request leaves: an echoed `Authorization` header is then
 * masked whatever the adapter built it from (Twilio's `AccountSid:AuthToken`,
 * M-Pesa's `key:secret`, a bearer token read from the cache).
 */
export function registeringCredentials(http: HttpClient, secrets: SecretSet): HttpClient {
  return {
    ...http,
    request(req) {
      for (const [name, value] of Object.entries(req.headers ?? {})) {
        if (CREDENTIAL_HEADERS.has(name.toLowerCase()) && typeof value === 'string') registerCredential(value, secrets);
      }
      return http.request(req);
    },
  };
}

function registerCredential(header: string, secrets: SecretSet): void {
  secrets.add(header);
  const m = /^(\S+)\s+(\S+)$/.exec(header.trim());
  if (!m) return;
  const [, scheme, credential] = m;
  secrets.add(credential);
  if (scheme.toLowerCase() !== 'basic') return;
  const pair = Buffer.from(credential, 'base64').toString('utf8');
  const colon = pair.indexOf(':');
  if (colon < 0) return;
  // The user part is an account id (shown in URLs anyway); the pair and its password are secret.
  secrets.add(pair);
  secrets.add(pair.slice(colon + 1));
}

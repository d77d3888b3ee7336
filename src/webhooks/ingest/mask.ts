import { REDACTED } from '../../core/redact.js';
import type { SecretCarriers } from '../verify/types.js';

/** Headers that carry credentials whatever the scheme. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key']);

/**
 * What the store and the logs may keep of a request: credential headers
 * replaced, and every configured secret value (a token in a header or the
 * path, Flutterwave's verif-hash, which IS the secret, Meta's verify token)
 * scrubbed wherever it appears. Signatures are kept: they are not secrets and
 * they help explain a rejection. Built once per integration; runs per request.
 */
export class Masker {
  private readonly secrets: string[];
  private readonly carrierHeaders: ReadonlySet<string>;
  private readonly carrierQuery: ReadonlySet<string>;

  /** `carriers`: headers and query parameters that hold a presented secret, masked whatever their value. */
  constructor(secrets: readonly string[], carriers: SecretCarriers = {}) {
    this.carrierHeaders = new Set(carriers.headers ?? []);
    this.carrierQuery = new Set(carriers.query ?? []);
    // Longest first, so a secret containing another is removed whole.
    this.secrets = [...new Set(secrets.filter((s) => typeof s === 'string' && s.length >= 4))].sort((a, b) => b.length - a.length);
  }

  text(value: string): string {
    let out = value;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }

  headers(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name in headers) out[name] = CREDENTIAL_HEADERS.has(name) || this.carrierHeaders.has(name) ? REDACTED : this.text(headers[name]);
    return out;
  }

  query(query: Record<string, string>): Record<string, string> {
    if (this.secrets.length === 0 && this.carrierQuery.size === 0) return query;
    const out: Record<string, string> = {};
    for (const name in query) out[name] = this.carrierQuery.has(name) ? REDACTED : this.text(query[name]);
    return out;
  }

  /**
   * The path with its token segment hidden: `/webhooks/<name>/<token>` keeps
   * only `/webhooks/<name>/[REDACTED]`, even when the token matches nothing
   * configured (a misrouted callback still carries someone's real secret).
   */
  path(path: string): string {
    const parts = path.split('/');
    if (parts.length > 3 && parts[1] === 'webhooks') return `/webhooks/${this.text(parts[2])}/${REDACTED}`;
    return this.text(path);
  }
}

/** For requests that named no known integration: nothing configured to scrub, structure only. */
export const structuralMasker = new Masker([]);

import { MAX_NESTING } from './nesting.js';
import { MIN_SECRET_LENGTH, secretForms } from './secret-forms.js';

/**
 * Redaction: what goes into logs, queue payloads, errors and anything
 * printed passes through here. Four nets: configured field paths, field
 * names that are secrets by nature, the integration's secrets wherever they
 * appear in a string (plain, base64, URL-encoded or hex), and HTTP
 * `Basic …`/`Bearer …` credentials quoted in provider text.
 */
export const REDACTED = '[REDACTED]';

/** What stands in for a value nested past MAX_NESTING: redaction feeds logs and serializers, which must never overflow the stack. */
export const TOO_DEEP = `[nested deeper than ${MAX_NESTING} levels]`;

/** Field names that hold credentials whatever the provider calls the rest. */
const SECRET_NAME = /^(password|passwd|pass|secret|client_?secret|api_?key|apikey|access_?token|refresh_?token|token|authorization|securitycredential|consumer_?secret|passkey|private_?key|card_?number|cvv|cvc|pin|wstoken|id_token)$/i;

export interface RedactionRules {
  /** Dotted paths; `*` matches one segment, e.g. "card.*" or "items.*.pin". */
  paths?: string[];
  /** Secret values to scrub from every string, in any of their encodings (a live SecretSet is read when redacting). */
  values?: Iterable<string>;
}

export function redact<T>(value: T, rules: RedactionRules = {}): T {
  const paths = (rules.paths ?? []).map((p) => p.split('.'));
  const pattern = secretPattern(rules.values ?? []);
  return walk(value, [], paths, pattern) as T;
}

/** Scrubs secret values (in any of their encodings) and quoted HTTP credentials out of a message. */
export function scrub(text: string, values: Iterable<string> = []): string {
  return scrubWith(text, secretPattern(values));
}

/** `Basic <base64 of user:password>` or `Bearer <token>` as an echoed header or a provider's message quotes it. */
const CREDENTIAL = /\b(Basic|Bearer)(\s+)([A-Za-z0-9._~+/-]+=*)/gi;

function scrubWith(text: string, pattern: RegExp | undefined): string {
  // Whole credentials first, so an echoed `Basic <base64>` goes entirely rather than around a masked fragment.
  const out = text.replace(CREDENTIAL, (whole, scheme: string, space: string, credential: string) =>
    looksLikeCredential(scheme, credential) ? `${scheme}${space}${REDACTED}` : whole,
  );
  return pattern ? out.replace(pattern, REDACTED) : out;
}

/** Words after "Basic"/"Bearer" in prose ("Bearer token required", "Basic realm") are left alone. */
function looksLikeCredential(scheme: string, credential: string): boolean {
  if (scheme.toLowerCase() === 'basic') return /^[A-Za-z0-9+/]{4,}=*$/.test(credential) && Buffer.from(credential, 'base64').toString('latin1').includes(':');
  return credential.length >= 8 && /[0-9._~+/=-]/.test(credential);
}

/** One alternation of every form of every secret, longest first; kept per secret list (the lists are few and stable). */
const patterns = new Map<string, RegExp | undefined>();

function secretPattern(values: Iterable<string>): RegExp | undefined {
  const list = [...new Set([...values].filter((v) => typeof v === 'string' && v.length >= MIN_SECRET_LENGTH))];
  const key = list.join('\u0000');
  if (patterns.has(key)) return patterns.get(key);
  const forms = [...new Set(list.flatMap(secretForms))].sort((a, b) => b.length - a.length);
  const pattern = forms.length ? new RegExp(forms.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g') : undefined;
  if (patterns.size >= 256) patterns.clear();
  patterns.set(key, pattern);
  return pattern;
}

function walk(value: unknown, at: string[], paths: string[][], pattern: RegExp | undefined): unknown {
  if (typeof value === 'string') return scrubWith(value, pattern);
  if (value && typeof value === 'object' && at.length >= MAX_NESTING) return TOO_DEEP;
  if (Array.isArray(value)) return value.map((v, i) => walk(v, [...at, String(i)], paths, pattern));
  if (value && typeof value === 'object') {
    if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const here = [...at, k];
      if (v !== null && v !== undefined && typeof v !== 'object' && (SECRET_NAME.test(k) || paths.some((p) => matches(p, here)))) out[k] = REDACTED;
      else if (v && typeof v === 'object' && paths.some((p) => matches(p, here))) out[k] = REDACTED;
      else out[k] = walk(v, here, paths, pattern);
    }
    return out;
  }
  return value;
}

function matches(pattern: string[], path: string[]): boolean {
  if (pattern.length !== path.length) return false;
  return pattern.every((seg, i) => seg === '*' || seg === path[i]);
}

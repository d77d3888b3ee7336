import { MAX_NESTING } from './nesting.js';

/**
 * Redaction: what goes into logs, queue payloads, errors and anything
 * printed passes through here. Three nets: configured field paths, field
 * names that are secrets by nature, and the literal values of the
 * integration's secrets wherever they appear in a string.
 */
export const REDACTED = '[REDACTED]';

/** What stands in for a value nested past MAX_NESTING: redaction feeds logs and serializers, which must never overflow the stack. */
export const TOO_DEEP = `[nested deeper than ${MAX_NESTING} levels]`;

/** Field names that hold credentials whatever the provider calls the rest. */
const SECRET_NAME = /^(password|passwd|pass|secret|client_?secret|api_?key|apikey|access_?token|refresh_?token|token|authorization|securitycredential|consumer_?secret|passkey|private_?key|card_?number|cvv|cvc|pin|wstoken|id_token)$/i;

export interface RedactionRules {
  /** Dotted paths; `*` matches one segment, e.g. "card.*" or "items.*.pin". */
  paths?: string[];
  /** Literal secret values to scrub from every string. */
  values?: string[];
}

export function redact<T>(value: T, rules: RedactionRules = {}): T {
  const paths = (rules.paths ?? []).map((p) => p.split('.'));
  const values = (rules.values ?? []).filter((v) => typeof v === 'string' && v.length >= 4).sort((a, b) => b.length - a.length);
  return walk(value, [], paths, values) as T;
}

/** Scrubs literal secret values out of a message. */
export function scrub(text: string, values: string[] = []): string {
  let out = text;
  for (const v of values.filter((s) => typeof s === 'string' && s.length >= 4).sort((a, b) => b.length - a.length)) out = out.split(v).join(REDACTED);
  return out;
}

function walk(value: unknown, at: string[], paths: string[][], values: string[]): unknown {
  if (typeof value === 'string') return values.length ? scrub(value, values) : value;
  if (value && typeof value === 'object' && at.length >= MAX_NESTING) return TOO_DEEP;
  if (Array.isArray(value)) return value.map((v, i) => walk(v, [...at, String(i)], paths, values));
  if (value && typeof value === 'object') {
    if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const here = [...at, k];
      if (v !== null && v !== undefined && typeof v !== 'object' && (SECRET_NAME.test(k) || paths.some((p) => matches(p, here)))) out[k] = REDACTED;
      else if (v && typeof v === 'object' && paths.some((p) => matches(p, here))) out[k] = REDACTED;
      else out[k] = walk(v, here, paths, values);
    }
    return out;
  }
  return value;
}

function matches(pattern: string[], path: string[]): boolean {
  if (pattern.length !== path.length) return false;
  return pattern.every((seg, i) => seg === '*' || seg === path[i]);
}

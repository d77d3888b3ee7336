import type { InboundWebhook } from '../../src/core/adapter.js';

export type Payload = Record<string, unknown>;

/**
 * The body as data: a JSON object, a form (Twilio-style
 * application/x-www-form-urlencoded), or, for anything else, the text under
 * `body`. A body that says it is JSON but is not is an error, not text.
 */
export function readPayload(req: InboundWebhook): Payload {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const text = req.rawBody.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  const looksJson = type === 'application/json' || type.endsWith('+json') || /^\s*[[{]/.test(text);
  if (looksJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      if (type === 'application/json' || type.endsWith('+json')) throw new Error(`body is not valid JSON: ${(error as Error).message}`);
      return { body: text };
    }
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Payload) : { body: parsed };
  }
  return { body: text };
}

/** `a.b.0.c` into nested objects and arrays; undefined when any step is missing. */
export function valueAtPath(data: unknown, path: string): unknown {
  let at: unknown = data;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** Sets `a.b.c` on a plain object, creating the objects on the way (for sample payloads). */
export function setAtPath(target: Payload, path: string, value: unknown): void {
  const keys = path.split('.');
  let at: Payload = target;
  for (const key of keys.slice(0, -1)) {
    if (!at[key] || typeof at[key] !== 'object') at[key] = {};
    at = at[key] as Payload;
  }
  at[keys[keys.length - 1]] = value;
}

/** A scalar as a non-empty string, else undefined. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** ISO-8601 from an ISO string or epoch seconds / milliseconds; other strings pass through. */
export function isoTime(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value < 1e12 ? value * 1000 : value).toISOString();
  if (typeof value === 'string' && /^\d{9,13}$/.test(value)) return isoTime(Number(value));
  return scalarText(value);
}

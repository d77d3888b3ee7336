/**
 * A top-level string (or number) field of a JSON object body, for providers
 * whose event id lives in the payload. Undefined for anything else: a body
 * that is not JSON is still a validly signed body.
 */
export function jsonField(body: Buffer, field: string): string | undefined {
  if (body.length === 0 || body[0] !== 0x7b /* { */) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const value = (parsed as Record<string, unknown>)[field];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

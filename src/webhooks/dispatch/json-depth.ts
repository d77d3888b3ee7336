export { DEFAULT_MAX_JSON_DEPTH } from '../../core/nesting.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether a JSON text nests arrays and objects deeper than `limit`. One pass
 * over the bytes with a counter, no recursion and no allocation, so it is
 * safe and cheap for any body: brackets inside strings (escapes included)
 * are not counted. It does not validate: malformed JSON is the parser's to
 * report, once the depth is known to be safe for everything downstream.
 */
export function nestsDeeperThan(body: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > limit) return true;
    } else if ((byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) && depth > 0) {
      depth--;
    }
  }
  return false;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/;

/**
 * Bodies a parser will read as JSON: a JSON content type, or (as the
 * generic adapter does) a body whose first non-blank byte opens an array or
 * object. A form or text body is left alone: its brackets mean nothing.
 */
export function looksLikeJson(contentType: string | undefined, body: Uint8Array): boolean {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (JSON_TYPE.test(type)) return true;
  if (type === 'application/x-www-form-urlencoded') return false;
  for (const byte of body) {
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
    return byte === OPEN_ARRAY || byte === OPEN_OBJECT;
  }
  return false;
}

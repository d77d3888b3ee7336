const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;

export const DURATION_HINT = 'a duration such as 500ms, 90s, 5m, 24h, 7d or 1h30m, or milliseconds';

/**
 * Milliseconds from "500ms", "90s", "5m", "24h", "7d", "2w", "1h30m", a
 * numeric string, or a number of milliseconds. Throws RangeError otherwise;
 * the message names the input, so never pass it a secret.
 */
export function parseDuration(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new RangeError(`invalid duration ${input}: expected ${DURATION_HINT}`);
    return Math.round(input);
  }
  const text = String(input).trim().toLowerCase();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text));
  if (!WHOLE.test(text)) throw new RangeError(`invalid duration "${input}": expected ${DURATION_HINT}`);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * UNIT_MS[unit];
  return Math.round(total);
}

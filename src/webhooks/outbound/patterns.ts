/**
 * Event type patterns a subscription selects with: exact types
 * ('sms.delivered') and globs where `*` stands for any run of characters,
 * dots included ('payment.*' matches payment.succeeded and
 * payment.refund.failed; '*' matches everything).
 */

const ALLOWED = /^[A-Za-z0-9_.:/*-]+$/;

/** Splits 'payment.*, sms.delivered' into patterns; throws RangeError naming the bad one. */
export function parseEventPatterns(input: string | string[]): string[] {
  const parts = (Array.isArray(input) ? input : [input]).flatMap((s) => s.split(','));
  const patterns: string[] = [];
  for (const raw of parts) {
    const pattern = raw.trim();
    if (pattern === '') continue;
    if (!ALLOWED.test(pattern)) {
      throw new RangeError(`invalid event pattern "${pattern}": use event types such as payment.succeeded, globs such as payment.* or * for every event`);
    }
    if (!patterns.includes(pattern)) patterns.push(pattern);
  }
  if (patterns.length === 0) throw new RangeError('no event patterns given: use e.g. "payment.*,sms.delivered", or "*" for every event');
  return patterns;
}

/** A predicate over event types for a list of patterns. */
export function compilePatterns(patterns: readonly string[]): (type: string) => boolean {
  const exact = new Set(patterns.filter((p) => !p.includes('*')));
  const globs = patterns
    .filter((p) => p.includes('*'))
    .map((p) => new RegExp(`^${p.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`));
  return (type) => exact.has(type) || globs.some((re) => re.test(type));
}

export function matchesEvent(patterns: readonly string[], type: string): boolean {
  return compilePatterns(patterns)(type);
}

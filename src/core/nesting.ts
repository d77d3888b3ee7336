/**
 * How deep a value the recursive walkers (JSON.stringify, structured clone,
 * redaction, canonical JSON) may be handed. Far below where V8's stack runs
 * out (several thousand levels for JSON.stringify), far above any real
 * payload (webhook bodies are cut at daemon.maxJsonDepth, 128 by default).
 */
export const MAX_NESTING = 1_000;

/** Webhook bodies (`daemon.maxJsonDepth`), as serde_json's default recursion limit; providers' payloads nest fewer than 10 levels. */
export const DEFAULT_MAX_JSON_DEPTH = 128;

/** A value too deep to walk safely; its message is the reason a delivery or an operation failed. */
export class NestingError extends Error {
  constructor(
    readonly limit: number,
    what = 'value',
  ) {
    super(`${what} nests deeper than ${limit} levels`);
    this.name = 'NestingError';
  }
}

/**
 * Whether arrays and objects in `value` nest deeper than `limit`, found
 * without recursion (an explicit stack), so any depth is safe to ask about.
 * Buffers and Dates are leaves. An object met twice (shared, or a cycle) is
 * walked once: a cycle is for the serializer to report.
 */
export function nestsDeeper(value: unknown, limit: number = MAX_NESTING): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const [at, depth] = stack.pop()!;
    if (!at || typeof at !== 'object' || at instanceof Date || ArrayBuffer.isView(at) || seen.has(at)) continue;
    seen.add(at);
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(at) ? at : Object.values(at)) {
      if (child && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

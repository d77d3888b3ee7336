import { MAX_NESTING, NestingError } from './nesting.js';

/**
 * JSON with object keys sorted at every depth, so equal values hash equally.
 * Throws NestingError past MAX_NESTING levels (a clear reason, not a stack overflow).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value, 0));
}

function sortKeys(value: unknown, depth: number): unknown {
  if (!value || typeof value !== 'object' || value instanceof Date) return value;
  if (depth >= MAX_NESTING) throw new NestingError(MAX_NESTING);
  if (Array.isArray(value)) return value.map((v) => sortKeys(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value as object).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v, depth + 1);
  }
  return out;
}

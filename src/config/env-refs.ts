import type { z } from 'zod';
import { asEnvRef } from './define.js';
import { formatPath, type PathSegment, type Problem } from './problems.js';
import { childSchema, coerceEnvString } from './schema-navigation.js';

export interface EnvRefContext {
  env: NodeJS.ProcessEnv;
  problems: Problem[];
  /** Every value taken from the environment, so messages can be scrubbed of them. */
  sourced: string[];
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `value` with every env() reference replaced by the variable's
 * value, typed as `schema` expects. An unset variable without a fallback is a
 * problem naming the field and the variable, and leaves the field undefined.
 */
export function resolveEnvRefs(
  value: unknown,
  schema: z.ZodType | undefined,
  path: readonly PathSegment[],
  ctx: EnvRefContext,
): unknown {
  const ref = asEnvRef(value);
  if (ref) {
    const fromEnv = ctx.env[ref.$env];
    const text = fromEnv !== undefined && fromEnv !== '' ? fromEnv : ref.fallback;
    if (text === undefined) {
      ctx.problems.push({ path: formatPath(path), message: `environment variable ${ref.$env} is not set`, variable: ref.$env });
      return undefined;
    }
    ctx.sourced.push(text);
    return coerceEnvString(schema, text);
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => resolveEnvRefs(item, childSchema(schema, String(i)), [...path, i], ctx));
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      out[key] = resolveEnvRefs(child, childSchema(schema, key), [...path, key], ctx);
    }
    return out;
  }
  return value;
}

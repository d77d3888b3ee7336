import { isPlainObject } from './env-refs.js';
import type { Problem } from './problems.js';
import type { UnresolvedIntegration } from './types.js';

/**
 * Whether every problem of one integration only waits on an unset
 * environment variable: the unset references themselves, and what their
 * absence makes fail at that field or at an object holding it (a "Required",
 * a refinement over the object). Anything else (a wrong type, an unknown
 * adapter or field) is a real error in the file and fails the whole config.
 */
export function waitsOnlyOnEnv(problems: Problem[], name: string): boolean {
  const unset = problems.filter((p) => p.variable !== undefined).map((p) => p.path);
  if (!unset.length) return false;
  const root = `integrations.${name}`;
  return problems.every((p) => p.variable !== undefined || (p.path !== root && unset.some((path) => holds(p.path, path))));
}

/** `outer` is `inner` or an object or array on its path. */
function holds(outer: string, inner: string): boolean {
  return inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
}

/** What is known of an integration that waits on unset variables, from its fields as written (env resolved where set). */
export function unresolvedIntegration(name: string, written: unknown, problems: Problem[]): UnresolvedIntegration {
  const fields = isPlainObject(written) ? written : {};
  const unset = problems.filter((p) => p.variable !== undefined);
  return {
    name,
    ...(typeof fields.adapter === 'string' && fields.adapter !== '' ? { adapter: fields.adapter } : {}),
    enabled: typeof fields.enabled === 'boolean' ? fields.enabled : true,
    sensitive: Array.isArray(fields.sensitive) ? fields.sensitive.filter((s): s is string => typeof s === 'string') : [],
    missing: [...new Set(unset.map((p) => p.variable as string))],
    problems: unset.map(({ path, message }) => ({ path, message })),
  };
}

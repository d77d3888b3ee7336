import type { z } from 'zod';
import { asEnvRef } from './define.js';
import { isPlainObject } from './env-refs.js';
import { formatPath, type Problem } from './problems.js';
import { childSchema, coerceEnvString, levelOf } from './schema-navigation.js';

/** INTEGRATIONS__<NAME>__<FIELD>[__<FIELD>...]=value */
export interface EnvOverride {
  variable: string;
  /** The integration name as written in the variable. */
  name: string;
  fields: string[];
  value: string;
}

const PREFIX = 'integrations__';

/** Override variables in a stable order, so a later one deterministically wins over a parent it nests in. */
export function readOverrides(env: NodeJS.ProcessEnv): { overrides: EnvOverride[]; problems: Problem[] } {
  const overrides: EnvOverride[] = [];
  const problems: Problem[] = [];
  for (const variable of Object.keys(env).sort()) {
    if (!variable.toLowerCase().startsWith(PREFIX)) continue;
    const value = env[variable];
    if (value === undefined) continue;
    const [name, ...fields] = variable.slice(PREFIX.length).split('__');
    if (!name || !fields.length || fields.some((f) => f === '')) {
      problems.push({ path: variable, message: 'expected INTEGRATIONS__<NAME>__<FIELD>, nested with __' });
      continue;
    }
    overrides.push({ variable, name, fields, value });
  }
  return { overrides, problems };
}

/** Case, dashes and underscores do not matter: CONSUMER_KEY matches consumerKey, MPESA_MAIN matches mpesa-main. */
function loose(text: string): string {
  return text.toLowerCase().replace(/[-_]/g, '');
}

/** Exact match first, then a loose one; undefined when nothing matches. */
export function matchName(written: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  return list.find((c) => c === written) ?? list.find((c) => c.toLowerCase() === written.toLowerCase()) ?? list.find((c) => loose(c) === loose(written));
}

function camelCase(segment: string): string {
  const lower = segment.toLowerCase();
  return lower.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Writes one override into an integration's raw config, field names matched
 * against the schema (and the keys already present). A field the schema does
 * not know is a problem rather than a silently ignored setting.
 */
export function applyOverride(
  target: Record<string, unknown>,
  override: EnvOverride,
  schema: z.ZodType,
  integration: string,
): Problem | undefined {
  let node = target;
  let nodeSchema: z.ZodType | undefined = schema;
  const path: string[] = ['integrations', integration];
  for (let i = 0; i < override.fields.length; i++) {
    const written = override.fields[i];
    const level = levelOf(nodeSchema);
    const key = matchName(written, [...level.keys, ...Object.keys(node)]);
    let chosen: string;
    if (key !== undefined) chosen = key;
    else if (level.kind === 'closed') {
      const fields = level.keys.length ? ` (fields: ${level.keys.join(', ')})` : '';
      return {
        path: formatPath([...path, written.toLowerCase()]),
        message: `no such field, set by ${override.variable}${fields}`,
      };
    } else chosen = level.kind === 'open' ? camelCase(written) : written;
    path.push(chosen);
    const fieldSchema = childSchema(nodeSchema, chosen);
    if (i === override.fields.length - 1) {
      node[chosen] = coerceEnvString(fieldSchema, override.value);
      return undefined;
    }
    if (!isPlainObject(node[chosen]) || asEnvRef(node[chosen])) node[chosen] = {};
    node = node[chosen] as Record<string, unknown>;
    nodeSchema = fieldSchema;
  }
  return undefined;
}

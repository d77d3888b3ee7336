import type { z } from 'zod';

/**
 * Walking a zod schema alongside raw config data, so that values arriving as
 * strings from the environment take the type their field expects (a numeric
 * passkey stays a string; a port becomes a number).
 */

type AnyDef = { type: string; [k: string]: unknown };

function def(schema: z.ZodType): AnyDef {
  return (schema as unknown as { def: AnyDef }).def;
}

/** Strips optional/default/pipe wrappers down to the schema that describes the value's shape. */
export function unwrapSchema(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  for (let depth = 0; current && depth < 32; depth++) {
    const d = def(current);
    switch (d.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'catch':
      case 'readonly':
      case 'nonoptional':
        current = d.innerType as z.ZodType;
        break;
      case 'pipe':
        current = d.in as z.ZodType;
        break;
      case 'lazy':
        current = (d.getter as () => z.ZodType)();
        break;
      default:
        return current;
    }
  }
  return current;
}

export type ObjectKind =
  /** Known keys only: an unknown key is a mistake. */
  | 'closed'
  /** Known keys plus anything else (loose objects). */
  | 'open'
  /** Arbitrary keys (records), or a shape we cannot see into. */
  | 'free';

export interface Level {
  kind: ObjectKind;
  keys: string[];
}

/** What keys an object at this schema may hold. */
export function levelOf(schema: z.ZodType | undefined): Level {
  const inner = unwrapSchema(schema);
  if (!inner) return { kind: 'free', keys: [] };
  const d = def(inner);
  if (d.type === 'object') {
    const keys = Object.keys(d.shape as Record<string, unknown>);
    const catchall = d.catchall as z.ZodType | undefined;
    const open = catchall !== undefined && def(catchall).type !== 'never';
    return { kind: open ? 'open' : 'closed', keys };
  }
  if (d.type === 'intersection') {
    const left = levelOf(d.left as z.ZodType);
    const right = levelOf(d.right as z.ZodType);
    const kind = left.kind === 'closed' && right.kind === 'closed' ? 'closed' : 'open';
    return { kind, keys: [...left.keys, ...right.keys] };
  }
  return { kind: 'free', keys: [] };
}

/** The schema of `key` inside an object or record schema, when it can be known. */
export function childSchema(schema: z.ZodType | undefined, key: string): z.ZodType | undefined {
  const inner = unwrapSchema(schema);
  if (!inner) return undefined;
  const d = def(inner);
  if (d.type === 'object') {
    const shape = d.shape as Record<string, z.ZodType>;
    if (Object.hasOwn(shape, key)) return shape[key];
    const catchall = d.catchall as z.ZodType | undefined;
    return catchall && def(catchall).type !== 'never' ? catchall : undefined;
  }
  if (d.type === 'record') return d.valueType as z.ZodType;
  if (d.type === 'array') return d.element as z.ZodType;
  if (d.type === 'intersection') return childSchema(d.left as z.ZodType, key) ?? childSchema(d.right as z.ZodType, key);
  return undefined;
}

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false, on: true, off: false };

/**
 * A string from the environment as the field wants it. When the field's type
 * cannot be known, JSON numbers and booleans are coerced and anything else
 * stays a string; the schema validates the result either way.
 */
export function coerceEnvString(schema: z.ZodType | undefined, text: string): unknown {
  const inner = unwrapSchema(schema);
  const type = inner ? def(inner).type : 'unknown';
  switch (type) {
    case 'string':
    case 'enum':
    case 'template_literal':
      return text;
    case 'number':
    case 'int':
    case 'bigint': {
      const n = Number(text.trim());
      return text.trim() !== '' && Number.isFinite(n) ? n : text;
    }
    case 'boolean': {
      const word = BOOLEAN_WORDS[text.trim().toLowerCase()];
      return word ?? text;
    }
    case 'literal': {
      const values = (def(inner as z.ZodType).values as unknown[]) ?? [];
      return values.find((v) => String(v) === text) ?? text;
    }
    case 'array': {
      if (text.trim().startsWith('[')) return parseJsonOr(text);
      const element = childSchema(inner, '0');
      return text
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '')
        .map((part) => coerceEnvString(element, part));
    }
    case 'object':
    case 'record':
      return parseJsonOr(text);
    default:
      return coerceScalar(text);
  }
}

function coerceScalar(text: string): unknown {
  const t = text.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(t)) return Number(t);
  return text;
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

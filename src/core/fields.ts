import { z } from 'zod';

/**
 * Field markers carried as zod metadata, so one schema drives validation,
 * redaction, `adapters show` and the config prompts.
 */
export interface FieldMeta {
  /** Never printed, logged or exported. */
  secret?: boolean;
  /** A filesystem path: relative values resolve against the config file's folder. */
  path?: boolean;
  description?: string;
}

/** Marks a config field as a secret. */
export function secret<T extends z.ZodType>(schema: T, description?: string): T {
  return schema.meta({ secret: true, ...(description ? { description } : {}) }) as T;
}

/** Marks a config field as a filesystem path. */
export function pathField<T extends z.ZodType>(schema: T, description?: string): T {
  return schema.meta({ path: true, ...(description ? { description } : {}) }) as T;
}

export function fieldMeta(schema: z.ZodType): FieldMeta {
  return (schema.meta() as FieldMeta | undefined) ?? {};
}

export interface FieldDescription {
  path: string;
  type: string;
  required: boolean;
  secret: boolean;
  isPath: boolean;
  description?: string;
  default?: unknown;
}

/** Flattens an object schema into dotted field paths for help, prompts and redaction. */
export function describeFields(schema: z.ZodType, prefix = ''): FieldDescription[] {
  const { inner, required, defaultValue } = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    const out: FieldDescription[] = [];
    for (const [key, child] of Object.entries(inner.shape as Record<string, z.ZodType>)) {
      out.push(...describeFields(child, prefix ? `${prefix}.${key}` : key));
    }
    if (out.length || !prefix) return out;
  }
  const meta = { ...fieldMeta(inner), ...fieldMeta(schema) };
  return [
    {
      path: prefix,
      type: typeName(inner),
      required,
      secret: meta.secret === true,
      isPath: meta.path === true,
      ...(meta.description ?? schema.description ? { description: meta.description ?? schema.description } : {}),
      ...(defaultValue !== undefined ? { default: defaultValue } : {}),
    },
  ];
}

/** Dotted paths of every field marked secret in the schema. */
export function secretPaths(schema: z.ZodType): string[] {
  return describeFields(schema).filter((f) => f.secret).map((f) => f.path);
}

function unwrap(schema: z.ZodType): { inner: z.ZodType; required: boolean; defaultValue: unknown } {
  let inner: z.ZodType = schema;
  let required = true;
  let defaultValue: unknown;
  for (;;) {
    if (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) {
      required = false;
      inner = inner.unwrap() as z.ZodType;
    } else if (inner instanceof z.ZodDefault) {
      required = false;
      const def = (inner as z.ZodDefault<z.ZodType>).def.defaultValue;
      defaultValue = typeof def === 'function' ? (def as () => unknown)() : def;
      inner = (inner as z.ZodDefault<z.ZodType>).unwrap() as z.ZodType;
    } else if (inner instanceof z.ZodPipe) {
      inner = (inner as z.ZodPipe).def.in as z.ZodType;
    } else {
      return { inner, required, defaultValue };
    }
  }
}

function typeName(schema: z.ZodType): string {
  if (schema instanceof z.ZodEnum) return (schema.options as unknown[]).map((o) => JSON.stringify(o)).join(' | ');
  if (schema instanceof z.ZodLiteral) return JSON.stringify((schema as z.ZodLiteral).value);
  if (schema instanceof z.ZodArray) return `${typeName(schema.element as z.ZodType)}[]`;
  // z.json() is a lazy schema (it nests itself); "lazy" would name zod's mechanism, not the value.
  if (schema instanceof z.ZodLazy) return 'json';
  return schema.def.type;
}

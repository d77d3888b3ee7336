/**
 * A value written as TypeScript/JavaScript source, in the style of the config
 * files `init` writes (single quotes, bare keys where legal, trailing commas),
 * so printed snippets paste into integrations.config.ts as they are.
 */
export interface TsLiteralOptions {
  /** Spaces before the first line's nested entries. */
  indent?: number;
  /** A trailing comment for the entry at a dotted path, if any. */
  comment?(path: string): string | undefined;
}

export function tsLiteral(value: unknown, options: TsLiteralOptions = {}): string {
  return render(value, options.indent ?? 0, '', options.comment);
}

function render(value: unknown, indent: number, path: string, comment: TsLiteralOptions['comment']): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const pad = ' '.repeat(indent + 2);
  const close = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    const items = value.map((item, i) => `${pad}${render(item, indent + 2, `${path}.${i}`, comment)},`);
    return `[\n${items.join('\n')}\n${close}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (!entries.length) return '{}';
    const lines = entries.map(([k, v]) => {
      const at = path ? `${path}.${k}` : k;
      const note = comment?.(at);
      return `${pad}${key(k)}: ${render(v, indent + 2, at, comment)},${note ? ` // ${note}` : ''}`;
    });
    return `{\n${lines.join('\n')}\n${close}}`;
  }
  return quote(String(value));
}

function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name);
}

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

/**
 * The parts of Drive's query language and partial-response `fields` syntax
 * the simulator understands: clauses joined by `and` over parents, trashed,
 * name and mimeType; `or`, `not` and parentheses are refused (400) rather
 * than misread.
 */
export interface QueryFile {
  name: string;
  mimeType: string;
  parents: string[];
  trashed: boolean;
}

type Token = { kind: 'string'; value: string } | { kind: 'word'; value: string };

function tokenize(q: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= q.length) return undefined;
        if (q[i] === '\\' && i + 1 < q.length) {
          value += q[i + 1];
          i += 2;
        } else if (q[i] === "'") {
          i++;
          break;
        } else value += q[i++];
      }
      tokens.push({ kind: 'string', value });
    } else {
      const m = /^(!=|=|[A-Za-z_]+)/.exec(q.slice(i));
      if (!m) return undefined;
      tokens.push({ kind: 'word', value: m[1] });
      i += m[1].length;
    }
  }
  return tokens;
}

/** Drive's `name contains` matches the start of the name or of any word in it. */
function containsWordPrefix(name: string, value: string): boolean {
  const lower = value.toLowerCase();
  return name.toLowerCase().startsWith(lower) || name.toLowerCase().split(/[^\p{L}\p{N}]+/u).some((w) => w.startsWith(lower));
}

/** A predicate for the query, or undefined when the simulator cannot read it. */
export function parseQuery(q: string, resolveId: (id: string) => string): ((f: QueryFile) => boolean) | undefined {
  const tokens = tokenize(q);
  if (!tokens || tokens.length === 0) return undefined;
  const clauses: ((f: QueryFile) => boolean)[] = [];
  let i = 0;
  for (;;) {
    const [a, b, c] = tokens.slice(i, i + 3);
    if (!a || !b || !c) return undefined;
    if (a.kind === 'string' && b.value === 'in' && c.value === 'parents') {
      const id = resolveId(a.value);
      clauses.push((f) => f.parents.includes(id));
    } else if (a.value === 'trashed' && b.value === '=' && c.kind === 'word' && (c.value === 'true' || c.value === 'false')) {
      const want = c.value === 'true';
      clauses.push((f) => f.trashed === want);
    } else if ((a.value === 'name' || a.value === 'mimeType') && a.kind === 'word' && c.kind === 'string' && ['=', '!=', 'contains'].includes(b.value)) {
      const field = a.value as 'name' | 'mimeType';
      if (b.value === '=') clauses.push((f) => f[field] === c.value);
      else if (b.value === '!=') clauses.push((f) => f[field] !== c.value);
      else if (field === 'name') clauses.push((f) => containsWordPrefix(f.name, c.value));
      else return undefined;
    } else return undefined;
    i += 3;
    if (i === tokens.length) break;
    if (tokens[i].kind !== 'word' || tokens[i].value !== 'and') return undefined;
    i++;
  }
  return (f) => clauses.every((clause) => clause(f));
}

export type Selector = Map<string, Selector | true>;

/** `nextPageToken,files(id,name)` -> a selector tree; undefined when malformed. */
export function parseFields(spec: string): Selector | undefined {
  let i = 0;
  const list = (): Selector | undefined => {
    const out: Selector = new Map();
    for (;;) {
      const m = /^\s*([A-Za-z_*][A-Za-z0-9_]*)\s*/.exec(spec.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      if (spec[i] === '(') {
        i++;
        const inner = list();
        if (!inner || spec[i] !== ')') return undefined;
        i++;
        out.set(m[1], inner);
      } else out.set(m[1], true);
      if (spec[i] === ',') {
        i++;
        continue;
      }
      return out;
    }
  };
  const result = list();
  return result && i === spec.length ? result : undefined;
}

export function select(value: unknown, selector: Selector): unknown {
  if (Array.isArray(value)) return value.map((v) => select(v, selector));
  if (!value || typeof value !== 'object' || selector.has('*')) return value;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of selector) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sub === true ? v : select(v, sub);
  }
  return out;
}

/**
 * Moodle's REST server takes nested parameters flattened PHP-style:
 * `enrolments[0][roleid]=5` (webservice/rest/locallib.php parse_request).
 */
export type MoodleParam = string | number | boolean | null | undefined | MoodleParam[] | { [key: string]: MoodleParam };

export function flattenParams(params: Record<string, MoodleParam>): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (prefix: string, value: MoodleParam): void => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) value.forEach((v, i) => walk(`${prefix}[${i}]`, v));
    else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(`${prefix}[${k}]`, v);
    // PHP's PARAM_BOOL and PARAM_INT both read 1/0.
    else out[prefix] = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  };
  for (const [k, v] of Object.entries(params)) walk(k, v);
  return out;
}

/** The reverse, as PHP builds $_POST: numeric-keyed levels become arrays. */
export function unflattenParams(flat: Record<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(flat)) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name);
    if (!m) continue;
    const path = [m[1], ...[...m[2].matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1])];
    let node: Record<string, unknown> = root;
    path.forEach((key, i) => {
      if (i === path.length - 1) node[key] = value;
      else node = (node[key] ??= {}) as Record<string, unknown>;
    });
  }
  return arraysFromNumericKeys(root) as Record<string, unknown>;
}

function arraysFromNumericKeys(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, arraysFromNumericKeys(v)] as const);
  if (entries.length && entries.every(([k]) => /^\d+$/.test(k))) return entries.sort((a, b) => Number(a[0]) - Number(b[0])).map(([, v]) => v);
  return Object.fromEntries(entries);
}

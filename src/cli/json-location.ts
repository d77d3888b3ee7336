/**
 * Where a JSON text goes wrong, as line and column, from V8's own parser:
 * most of its messages carry "at position N"; for the rest ("Unexpected
 * token 'x', ..." and "Unexpected end") the position is recovered by
 * re-parsing prefixes. The message never echoes the text back, which may
 * hold card numbers or phone numbers.
 */
export interface JsonSyntaxProblem {
  /** 0-based offset into the text. */
  position: number;
  /** 1-based. */
  line: number;
  column: number;
  /** V8's reason without its position suffix or the echoed input. */
  reason: string;
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; problem: JsonSyntaxProblem } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, problem: locate(text, (err as Error).message) };
  }
}

function locate(text: string, message: string): JsonSyntaxProblem {
  const at = /^(.*?)(?:\s+in JSON)? at position (\d+)/.exec(message);
  if (at) return withLineColumn(text, Number(at[2]), at[1]);
  if (/Unexpected end of JSON input/.test(message)) {
    return withLineColumn(text, text.length, text.trim() === '' ? 'empty input' : 'unexpected end of input');
  }
  const token = /^Unexpected token '(.+?)'/.exec(message);
  if (token) {
    const reason = `unexpected ${JSON.stringify(token[1])}`;
    return withLineColumn(text, tokenPosition(text, token[1]), reason);
  }
  return withLineColumn(text, text.length, message.replace(/,\s*".*" is not valid JSON$/s, ''));
}

/** The first occurrence of the token that turns a still-valid prefix into an error. */
function tokenPosition(text: string, token: string): number {
  for (let i = text.indexOf(token); i !== -1; i = text.indexOf(token, i + 1)) {
    if (prefixIsIncomplete(text.slice(0, i)) && !prefixIsIncomplete(text.slice(0, i + token.length))) return i;
  }
  return Math.max(0, text.indexOf(token));
}

/** A prefix that is valid JSON so far: it parses, or fails only for running out of input. */
function prefixIsIncomplete(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (err) {
    const message = (err as Error).message;
    if (/Unexpected end of JSON input/.test(message)) return true;
    const at = / at position (\d+)/.exec(message);
    return at !== null && Number(at[1]) >= prefix.length;
  }
}

function withLineColumn(text: string, position: number, reason: string): JsonSyntaxProblem {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - (before.lastIndexOf('\n') + 1) + 1;
  return { position, line, column, reason: reason.charAt(0).toLowerCase() + reason.slice(1) };
}

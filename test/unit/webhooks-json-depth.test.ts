import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/canonical-json.js';
import { MAX_NESTING, NestingError, nestsDeeper } from '../../src/core/nesting.js';
import { TOO_DEEP, redact } from '../../src/core/redact.js';
import { looksLikeJson, nestsDeeperThan } from '../../src/webhooks/dispatch/json-depth.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const deepArrays = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
/** A value n levels deep, built without recursion. */
function deepValue(n: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
}

describe('nestsDeeperThan (the byte scan before JSON.parse)', () => {
  it('counts arrays and objects, and is exact at the limit', () => {
    expect(nestsDeeperThan(bytes(deepArrays(128)), 128)).toBe(false);
    expect(nestsDeeperThan(bytes(deepArrays(129)), 128)).toBe(true);
    expect(nestsDeeperThan(bytes('{"a":[{"b":[1]}]}'), 4)).toBe(false);
    expect(nestsDeeperThan(bytes('{"a":[{"b":[1]}]}'), 3)).toBe(true);
    expect(nestsDeeperThan(bytes('[1,2,3][4][5]'), 1)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes and backslashes included', () => {
    expect(nestsDeeperThan(bytes(`{"s":"${'['.repeat(500)}"}`), 1)).toBe(false);
    expect(nestsDeeperThan(bytes(`{"s":"a\\"${'{'.repeat(50)}"}`), 1)).toBe(false);
    // An escaped backslash ends before the quote: the string closes, and the brackets after it count.
    expect(nestsDeeperThan(bytes(`{"s":"\\\\","t":[[1]]}`), 2)).toBe(true);
    expect(nestsDeeperThan(bytes(`{"k${'['.repeat(20)}":1}`), 1)).toBe(false);
  });

  it('scans 100,000 levels without recursion, stopping as soon as the limit is passed', () => {
    expect(nestsDeeperThan(bytes(deepArrays(100_000)), 128)).toBe(true);
    expect(nestsDeeperThan(bytes(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`), 128)).toBe(true);
  });

  it('tolerates malformed text (more closers than openers) without going negative', () => {
    expect(nestsDeeperThan(bytes(']]]]]][['), 2)).toBe(false);
    expect(nestsDeeperThan(bytes(']]]]]][[['), 2)).toBe(true);
  });
});

describe('looksLikeJson', () => {
  it('JSON content types, or a body opening an array or object; forms and text are left alone', () => {
    expect(looksLikeJson('application/json; charset=utf-8', bytes('x'))).toBe(true);
    expect(looksLikeJson('application/vnd.api+json', bytes('x'))).toBe(true);
    expect(looksLikeJson(undefined, bytes('  \n[1]'))).toBe(true);
    expect(looksLikeJson('text/plain', bytes('{"a":1}'))).toBe(true);
    expect(looksLikeJson('application/x-www-form-urlencoded', bytes('[[[[='))).toBe(false);
    expect(looksLikeJson('text/plain', bytes('hello [[['))).toBe(false);
    expect(looksLikeJson(undefined, bytes(''))).toBe(false);
  });
});

describe('walkers of parsed values are safe at any depth', () => {
  it('nestsDeeper walks 100,000 levels iteratively; shared objects count once', () => {
    expect(nestsDeeper(deepValue(100_000), MAX_NESTING)).toBe(true);
    expect(nestsDeeper(deepValue(MAX_NESTING), MAX_NESTING)).toBe(false);
    expect(nestsDeeper(deepValue(MAX_NESTING + 1), MAX_NESTING)).toBe(true);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(nestsDeeper(cyclic, 5)).toBe(false);
  });

  it('canonicalJson throws a NestingError, not a stack overflow', () => {
    expect(() => canonicalJson(deepValue(100_000))).toThrow(NestingError);
    expect(() => canonicalJson(deepValue(100_000))).toThrow(`value nests deeper than ${MAX_NESTING} levels`);
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: 1 })).toBe('{"a":1,"b":[{"c":2,"d":1}]}');
  });

  it('redact replaces what is nested too deep, so its output can always be serialized', () => {
    const out = redact(deepValue(100_000), { values: ['secret-value'] });
    const text = JSON.stringify(out);
    expect(text).toContain(TOO_DEEP);
    expect(redact({ a: { password: 'x', ok: 'secret-value!' } }, { values: ['secret-value'] })).toEqual({ a: { password: '[REDACTED]', ok: '[REDACTED]!' } });
  });
});

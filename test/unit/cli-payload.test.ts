import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../src/cli/json-location.js';
import { readPayload } from '../../src/cli/payload.js';
import { UsageError } from '../../src/core/usage-error.js';

const problem = (text: string) => {
  const parsed = parseJson(text);
  if (parsed.ok) throw new Error('expected a syntax problem');
  return parsed.problem;
};

describe('parseJson locates syntax errors', () => {
  it.each([
    ['{"a": }', 1, 7],
    ['xyz', 1, 1],
    ['{"a":1,}', 1, 8],
    ['[1, 2', 1, 6],
    ['{"a": 1} x', 1, 10],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3],
    ['{\n  "a": [1, 2,, 3]\n}', 2, 14],
    ['', 1, 1],
  ])('%j -> line %i, column %i', (text, line, column) => {
    expect(problem(text)).toMatchObject({ line, column });
  });

  it('finds the offending occurrence of a token that also appears earlier, validly', () => {
    // The first "}" closes the inner object; the error is the stray second one.
    expect(problem('{"a": {"b": 1}, "c": }')).toMatchObject({ line: 1, column: 22, reason: 'unexpected "}"' });
  });

  it('never echoes the input back in the reason', () => {
    const text = '{"card": "4111111111111111", oops}';
    expect(problem(text).reason).not.toContain('4111');
  });

  it('parses valid JSON', () => {
    expect(parseJson('{"a": [1, "x"]}')).toEqual({ ok: true, value: { a: [1, 'x'] } });
  });
});

describe('readPayload', () => {
  const dir = mkdtempSync(join(tmpdir(), 'integrations-payload-'));
  const stdin = (text: string) => Readable.from([Buffer.from(text)]);
  const read = (spec: string | undefined, input = '') => readPayload({ spec, cwd: dir, stdin: stdin(input) });

  it('takes inline JSON, @file (relative to cwd) and - (stdin); no payload is an empty object', async () => {
    writeFileSync(join(dir, 'p.json'), '{"from": "file"}');
    expect(await read('{"inline": true}')).toEqual({ inline: true });
    expect(await read('@p.json')).toEqual({ from: 'file' });
    expect(await read('-', '{"from": "stdin"}')).toEqual({ from: 'stdin' });
    expect(await read(undefined)).toEqual({});
  });

  it('bad JSON is a usage error naming where it came from and where it breaks', async () => {
    writeFileSync(join(dir, 'bad.json'), '{\n  "amount": 10,\n}');
    await expect(read('@bad.json')).rejects.toThrow(new UsageError('payload file bad.json is not valid JSON: expected double-quoted property name at line 3, column 1'));
    await expect(read('{"a" 1}')).rejects.toThrow("--payload is not valid JSON: expected ':' after property name at column 6");
    await expect(read('-', '')).rejects.toThrow('payload from stdin is not valid JSON: empty input at column 1');
  });

  it('an unreadable file is a usage error naming the file and why', async () => {
    await expect(read('@missing.json')).rejects.toThrow('cannot read payload file missing.json: no such file');
    await expect(read('@.')).rejects.toThrow('cannot read payload file .: it is a directory');
    await expect(read('@')).rejects.toThrow(UsageError);
  });
});

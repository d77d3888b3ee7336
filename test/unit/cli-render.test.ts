import { Chalk } from 'chalk';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { CommandFailure } from '../../src/cli/command-failure.js';
import { csvCell } from '../../src/cli/logs/row-format.js';
import { colorEnabled } from '../../src/cli/render/color.js';
import { describeError, formatErrorJson, formatErrorText } from '../../src/cli/render/error.js';
import { renderTable } from '../../src/cli/render/table.js';
import { IntegrationError } from '../../src/core/errors.js';
import { UsageError } from '../../src/core/usage-error.js';
import { StoreError } from '../../src/store/errors.js';

const plain = new Chalk({ level: 0 });

describe('colorEnabled', () => {
  const tty = { env: {}, isTTY: true };
  it('colours a terminal, and nothing under --json, --no-color, NO_COLOR, TERM=dumb or a pipe', () => {
    expect(colorEnabled({}, tty)).toBe(true);
    expect(colorEnabled({ json: true }, tty)).toBe(false);
    expect(colorEnabled({ color: false }, tty)).toBe(false);
    expect(colorEnabled({}, { env: { NO_COLOR: '1' }, isTTY: true })).toBe(false);
    expect(colorEnabled({}, { env: { TERM: 'dumb' }, isTTY: true })).toBe(false);
    expect(colorEnabled({}, { env: {}, isTTY: false })).toBe(false);
  });
  it('FORCE_COLOR colours a pipe, but NO_COLOR still wins; an empty NO_COLOR does not count', () => {
    expect(colorEnabled({}, { env: { FORCE_COLOR: '1' }, isTTY: false })).toBe(true);
    expect(colorEnabled({}, { env: { FORCE_COLOR: '0' }, isTTY: true })).toBe(false);
    expect(colorEnabled({}, { env: { FORCE_COLOR: '1', NO_COLOR: 'x' }, isTTY: false })).toBe(false);
    expect(colorEnabled({}, { env: { NO_COLOR: '' }, isTTY: true })).toBe(true);
  });
});

describe('error reports', () => {
  it('an integration error keeps its category and retryability; inline issues move to their own lines', () => {
    const err = new IntegrationError('VALIDATION_FAILED', 'invalid payload for p charge: payload.amount: Required; payload.currency: Required', {
      issues: ['payload.amount: Required', 'payload.currency: Required'],
    });
    const report = describeError(err, false);
    expect(report).toMatchObject({ code: 'VALIDATION_FAILED', category: 'VALIDATION_FAILED', message: 'invalid payload for p charge', retryable: false });
    expect(formatErrorText(report, false, plain)).toBe('error: invalid payload for p charge\n  - payload.amount: Required\n  - payload.currency: Required\n');
    expect(JSON.parse(formatErrorJson(report, 2, false))).toEqual({
      error: { code: 'VALIDATION_FAILED', category: 'VALIDATION_FAILED', message: 'invalid payload for p charge', retryable: false, exitCode: 2, issues: ['payload.amount: Required', 'payload.currency: Required'] },
    });
  });

  it('the config loader\'s multi-line message is cut to its lead-in, with the issues listed once', () => {
    const issues = ['integrations.a.adapter: Required', 'integrations.b.config.root: Required'];
    const err = new IntegrationError('CONFIG_INVALID', `invalid config in /x/c.json:\n  - ${issues.join('\n  - ')}`, { issues });
    expect(formatErrorText(describeError(err, false), false, plain)).toBe(`error: invalid config in /x/c.json\n  - ${issues.join('\n  - ')}\n`);
  });

  it('details, provider answers and causes only with --verbose', () => {
    const err = new IntegrationError('RATE_LIMITED', 'slow down', { provider: { status: 429 }, retryAfterMs: 2000, cause: new Error('socket said no') });
    const report = describeError(err, false);
    expect(report.retryable).toBe(true);
    expect(formatErrorText(report, false, plain)).toBe('error: slow down\n');
    const verbose = formatErrorText(report, true, plain);
    expect(verbose).toContain('  provider: {"status":429}');
    expect(verbose).toContain('  retryAfterMs: 2000');
    expect(verbose).toContain('  cause: Error: socket said no');
    expect(JSON.parse(formatErrorJson(report, 5, true)).error.details).toMatchObject({ retryAfterMs: 2000 });
    expect(JSON.parse(formatErrorJson(report, 5, false)).error.details).toBeUndefined();
  });

  it('store, usage, commander and command failures each get a stable code; interruption overrides', () => {
    expect(describeError(new StoreError('STORE_LOCKED', 'locked'), false)).toMatchObject({ code: 'STORE_LOCKED', category: 'STORE', retryable: true });
    expect(describeError(new StoreError('STORE_TOO_NEW', 'newer'), false)).toMatchObject({ code: 'STORE_TOO_NEW', retryable: false });
    expect(describeError(new UsageError('bad'), false)).toMatchObject({ code: 'USAGE', message: 'bad' });
    expect(describeError(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"), false)).toMatchObject({ code: 'USAGE', message: "unknown option '--x'" });
    expect(describeError(new CommandFailure('p is unhealthy', 4, 'UNHEALTHY'), false)).toMatchObject({ code: 'UNHEALTHY', message: 'p is unhealthy' });
    expect(describeError(new UsageError('bad'), true)).toMatchObject({ code: 'INTERRUPTED', message: 'interrupted' });
  });

  it('an unexpected error says it is a bug and shows its stack only with --verbose', () => {
    const report = describeError(new TypeError('x is not a function'), false);
    expect(report).toMatchObject({ code: 'INTERNAL', unexpected: true });
    const quiet = formatErrorText(report, false, plain);
    expect(quiet).toMatch(/^error: x is not a function\n {2}\(this looks like a bug.*--verbose/);
    expect(quiet).not.toContain('    at ');
    expect(formatErrorText(report, true, plain)).toMatch(/stack: TypeError: x is not a function\n\s+at /);
  });
});

describe('renderTable and csvCell', () => {
  it('aligns borderless columns without trailing spaces', async () => {
    const text = await renderTable({ head: ['NAME', 'LATENCY'], rows: [['a', '5 ms'], ['longer', '120 ms']], style: plain, alignRight: [1] });
    expect(text).toBe('NAME    LATENCY\na          5 ms\nlonger   120 ms\n');
  });
  it('quotes per RFC 4180 and defuses formula-looking text', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
  });
});

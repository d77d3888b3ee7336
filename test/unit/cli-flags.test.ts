import type { Command, Option } from 'commander';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { CliDeps } from '../../src/cli/deps.js';
import { buildProgram } from '../../src/cli/program.js';

/** Enough deps to build the tree; no action runs here. */
function treeDeps(): CliDeps {
  const unused = () => {
    throw new Error('not used while walking the command tree');
  };
  return {
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    stdin: Readable.from([]),
    isTTY: false,
    stderrIsTTY: false,
    env: {},
    cwd: process.cwd(),
    clock: new ManualClock(),
    signal: new AbortController().signal,
    session: unused,
    loadConfig: unused,
    registry: unused,
    setExitCode: () => {},
  };
}

/** Every command of the tree with the commands above it (root first). */
function commandLines(cmd: Command, ancestors: Command[] = []): Command[][] {
  const line = [...ancestors, cmd];
  return [line, ...cmd.commands.flatMap((child) => commandLines(child, line))];
}

/** The flags a user can type on this command line: its own options, its ancestors' (global) ones, and help. */
function flagsOf(line: Command[]): { flag: string; owner: string }[] {
  const flags: { flag: string; owner: string }[] = [];
  for (const cmd of line) {
    const options: Option[] = [...cmd.options];
    const help = (cmd as unknown as { _getHelpOption(): Option | null })._getHelpOption();
    // Help is per command: an ancestor's -h is shadowed by the subcommand's own, not a second meaning.
    if (help && cmd === line[line.length - 1]) options.push(help);
    for (const option of options) {
      for (const flag of [option.short, option.long]) if (flag) flags.push({ flag, owner: `${path(cmd)} ${option.flags}` });
    }
  }
  return flags;
}

function path(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

describe('flags of the command tree', () => {
  const program = buildProgram(treeDeps());
  const lines = commandLines(program);

  it('walks every command, subcommands included', () => {
    const names = lines.map((l) => l.map((c) => c.name()).join(' '));
    expect(names).toContain('integrations queue drain');
    expect(names).toContain('integrations webhooks subscriptions remove');
    expect(lines.length).toBeGreaterThan(30);
  });

  it('no short or long flag means two things on one command line (global options count on every subcommand)', () => {
    const clashes: string[] = [];
    for (const line of lines) {
      const seen = new Map<string, string>();
      for (const { flag, owner } of flagsOf(line)) {
        const earlier = seen.get(flag);
        if (earlier) clashes.push(`${path(line[line.length - 1])}: ${flag} is both "${earlier}" and "${owner}"`);
        else seen.set(flag, owner);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('-c is the global --config and nothing else', () => {
    for (const line of lines) {
      const owners = flagsOf(line).filter((f) => f.flag === '-c');
      expect(owners.map((o) => o.owner)).toEqual(['integrations -c, --config <path>']);
    }
  });
});

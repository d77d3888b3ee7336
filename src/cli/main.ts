import { CommanderError } from 'commander';
import { AdapterRegistry } from '../core/registry.js';
import type { CliDeps, CliIO } from './deps.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { CommandFailure } from './command-failure.js';
import { scanGlobalFlags } from './options.js';
import { processSignal, processStreams } from './process-io.js';
import { buildProgram } from './program.js';
import { palette } from './render/color.js';
import { describeError, formatErrorJson, formatErrorText } from './render/error.js';
import { createSessionHandle } from './session.js';

/** Commander's codes for help and version: a normal, successful end. */
const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.version']);

/**
 * Runs the CLI on `argv` (the user's arguments, without node and the script)
 * and returns the exit code. The one place that turns an error into an exit
 * code and writes it: one line of text, or a JSON object under --json.
 * `io` replaces parts of the real process (tests).
 */
export async function main(argv: readonly string[], io: Partial<CliIO> = {}): Promise<number> {
  const real = io.signal ? undefined : processSignal();
  const fullIO: CliIO = { ...processStreams(), signal: real?.signal, stopNow: real?.stopNow, holdSecondSignal: real?.holdSecondSignal, ...io } as CliIO;
  let exitCode: number = EXIT.OK;
  let bareRegistry: AdapterRegistry | undefined;
  const handle = createSessionHandle(fullIO, () => (bareRegistry ??= new AdapterRegistry({ resolveFrom: fullIO.cwd })));
  const deps: CliDeps = {
    ...fullIO,
    session: (options, needs) => handle.session(options, needs),
    loadConfig: (options) => handle.loadConfig(options),
    registry: () => handle.registry(),
    setExitCode: (code) => {
      exitCode = Math.max(exitCode, code);
    },
  };

  try {
    const program = buildProgram(deps);
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    exitCode = report(err, argv, fullIO);
  } finally {
    try {
      await handle.close();
    } catch (err) {
      exitCode = Math.max(exitCode, report(err, argv, fullIO));
    }
    real?.dispose();
  }
  return exitCode;
}

function report(err: unknown, argv: readonly string[], io: CliIO): number {
  if (err instanceof CommanderError) {
    if (HELP_CODES.has(err.code)) return EXIT.OK;
    // Help was already printed because a command group was called without a subcommand.
    if (err.code === 'commander.help') return EXIT.USAGE;
  }
  const flags = scanGlobalFlags(argv);
  const interrupted = io.signal.aborted;
  const code = interrupted ? EXIT.INTERRUPTED : exitCodeForError(err);
  const described = describeError(err, interrupted);
  if (flags.json) {
    io.stderr.write(formatErrorJson(described, code, flags.verbose));
  } else {
    io.stderr.write(formatErrorText(described, flags.verbose, palette({ color: flags.color }, { env: io.env, isTTY: io.stderrIsTTY })));
    if (err instanceof CommanderError) io.stderr.write('(run with --help for usage)\n');
  }
  return code;
}

function exitCodeForError(err: unknown): number {
  if (err instanceof CommanderError) return EXIT.USAGE;
  if (err instanceof CommandFailure) return err.exitCode;
  return exitCodeFor(err);
}


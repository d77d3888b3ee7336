import type { Command } from 'commander';
import type { GlobalOptions } from './deps.js';

/** The root program's options as seen from any (sub)command, whichever side of the subcommand they were typed on. */
export function globalOptions(cmd: Command): GlobalOptions {
  const all = cmd.optsWithGlobals<Record<string, unknown>>();
  return {
    config: typeof all.config === 'string' ? all.config : undefined,
    db: typeof all.db === 'string' ? all.db : undefined,
    json: all.json === true,
    verbose: all.verbose === true,
    color: all.color !== false,
  };
}

/**
 * The few global flags main needs before (or without) a successful parse,
 * e.g. to format a usage error as JSON.
 */
export function scanGlobalFlags(argv: readonly string[]): { json: boolean; verbose: boolean; color: boolean } {
  const end = argv.indexOf('--');
  const flags = end === -1 ? argv : argv.slice(0, end);
  return { json: flags.includes('--json'), verbose: flags.includes('--verbose') || flags.includes('-v'), color: !flags.includes('--no-color') };
}

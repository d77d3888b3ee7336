import type { Command } from 'commander';
import { UsageError } from '../core/usage-error.js';
import { CommandFailure } from './command-failure.js';
import type { CliIO } from './deps.js';
import { EXIT } from './exit-codes.js';

/** What every destructive command takes: `--yes` to skip the question, `--dry-run` to only count. */
export interface DeletionFlags {
  yes: boolean;
  dryRun: boolean;
}

/** An age this short reaches what was written moments ago: a slip (`0s`, `30m` for `30d`) must not be enough. */
export const FORCE_BELOW_MS = 60 * 60 * 1000;

/** Adds --yes and --dry-run (and --force where an age is given) to a destructive command. */
export function deletionOptions(command: Command, options: { force?: boolean } = {}): Command {
  command.option('-y, --yes', 'go ahead without asking (needed when not on a terminal)').option('--dry-run', 'only count what would change; change nothing');
  if (options.force) command.option('--force', 'needed as well when --older-than is below one hour');
  return command;
}

/** Refuses an --older-than under one hour without --force (a dry run only counts, so it may look). */
export function checkMinimumAge(flag: string, given: string, ageMs: number, force: boolean, dryRun: boolean): void {
  if (ageMs >= FORCE_BELOW_MS || force || dryRun) return;
  throw new UsageError(`${flag} ${given} is under one hour, so it reaches what was written moments ago; add --force as well if you mean it (or --dry-run to count them)`);
}

/**
 * Whether a destructive command goes ahead, once it knows what it would do
 * (`plan`, e.g. "delete 5 log rows older than …", with its `count`). A dry
 * run never does; --yes always does; otherwise it asks on a terminal and
 * refuses (usage, exit 2) without one, like gh: scripts must say --yes.
 */
export async function confirmDeletion(plan: { text: string; count: number }, flags: DeletionFlags, io: Pick<CliIO, 'stdin' | 'stderr' | 'stderrIsTTY' | 'signal'>): Promise<boolean> {
  if (flags.dryRun) return false;
  if (flags.yes) return true;
  if (!canAsk(io)) throw new UsageError(`not on a terminal, so not asking to ${plan.text}; pass --yes to go ahead (or --dry-run to only count)`);
  // Nothing would change: no question worth asking.
  if (plan.count === 0) return true;
  if (!(await ask(`${capitalize(plan.text)}?`, io))) throw new CommandFailure('nothing changed: not confirmed', EXIT.USAGE, 'NOT_CONFIRMED');
  return true;
}

/** The question goes to stderr and the answer comes from stdin: both must be a terminal. */
function canAsk(io: Pick<CliIO, 'stdin' | 'stderrIsTTY'>): boolean {
  return (io.stdin as { isTTY?: boolean }).isTTY === true && io.stderrIsTTY;
}

async function ask(message: string, io: Pick<CliIO, 'stdin' | 'stderr' | 'signal'>): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  try {
    return await confirm({ message, default: false }, { input: io.stdin, output: io.stderr, signal: io.signal });
  } catch (err) {
    // Ctrl-C in the prompt's raw mode arrives as a key, not as SIGINT.
    if ((err as Error)?.name === 'ExitPromptError') throw new CommandFailure('interrupted: nothing changed', EXIT.INTERRUPTED, 'INTERRUPTED');
    throw err;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

import { mkdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { IntegrationError } from '../../core/errors.js';
import { UsageError } from '../../core/usage-error.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { globalOptions } from '../options.js';
import { palette } from '../render/color.js';
import { printJson } from '../render/json.js';
import { STARTER_DEFAULTS, starterConfig, type StarterChoices } from '../init/starter-config.js';

export interface InitOptions {
  global: GlobalOptions;
  yes: boolean;
  force: boolean;
  /** Folder to write into; the working directory by default. */
  dir?: string;
}

export const CONFIG_FILE = 'integrations.config.ts';

export function register(program: Command, deps: CliDeps): void {
  program
    .command('init')
    .description(`write a starter ${CONFIG_FILE} (mock payments and local file storage) and create the store`)
    .option('-y, --yes', 'no questions: take the defaults')
    .option('-f, --force', `overwrite an existing ${CONFIG_FILE}`)
    .option('-d, --dir <folder>', 'where to write it (default: the working directory)')
    .addHelpText('after', '\nExamples:\n  integrations init                  # asks on a terminal\n  integrations init --yes --dir ops  # defaults, into ./ops, no questions\n')
    .action(async (opts: { yes?: boolean; force?: boolean; dir?: string }, cmd: Command) => {
      await runInit({ global: globalOptions(cmd), yes: opts.yes === true, force: opts.force === true, dir: opts.dir }, deps);
    });
}

export async function runInit(options: InitOptions, deps: CliDeps): Promise<{ configPath: string; storePath: string }> {
  const dir = resolve(deps.cwd, options.dir ?? '.');
  const configPath = join(dir, CONFIG_FILE);
  const interactive = !options.yes && !options.global.json && (deps.stdin as { isTTY?: boolean }).isTTY === true;

  let choices: StarterChoices = STARTER_DEFAULTS;
  if (interactive) {
    const { promptChoices } = await import('../init/prompts.js');
    try {
      choices = await promptChoices(deps);
    } catch (err) {
      // Ctrl-C at a prompt (the terminal is in raw mode, so it arrives as a key, not a signal) or the signal itself.
      if (isPromptInterruption(err)) throw new IntegrationError('INTERRUPTED', 'init cancelled at the prompt; nothing was written', { requestSent: false });
      throw err;
    }
  }
  // --db names the store for this config from now on, not just for this run.
  if (options.global.db) {
    const db = resolve(deps.cwd, options.global.db);
    const rel = relative(dir, db);
    choices = { ...choices, storePath: isAbsolute(rel) || rel.startsWith('..') ? db : rel };
  }

  try {
    await mkdir(dir, { recursive: true });
    await writeFile(configPath, starterConfig(choices), { flag: options.force ? 'w' : 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new UsageError(`${configPath} already exists; use --force to overwrite it`);
    }
    // The folder is the user's choice (the working folder or --dir): one line, as for any bad argument.
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new UsageError(`cannot write ${configPath}: ${(err as Error).message.replace(/,.*$/, '')}`);
    throw err;
  }

  // Loading the file we just wrote proves it valid; opening the store creates it with every migration.
  const session = await deps.session({ ...options.global, config: configPath, db: undefined });
  const storePath = session.store.location;
  const integrations = Object.keys(session.config.integrations);

  if (options.global.json) {
    printJson(deps.stdout, { config: configPath, store: storePath, integrations });
  } else {
    const style = palette(options.global, deps);
    const shown = (p: string) => relative(deps.cwd, p) || p;
    const first = choices.payments ? `integrations run ${choices.payments} charge --payload '{"amount": 1000, "currency": "KES", "reference": "order-1"}'` : 'integrations list';
    deps.stdout.write(
      `${style.green('✓')} wrote ${shown(configPath)}\n` +
        `${style.green('✓')} created store ${shown(storePath)}\n` +
        `\nIntegrations: ${integrations.length ? integrations.join(', ') : '(none yet)'}\n` +
        `Next:\n  integrations test ${integrations[0] ?? '<name>'}\n  ${first}\n  integrations logs tail\n` +
        style.dim(`\nThe store holds logs and state: keep ${shown(join(dir, '.integrations'))}/ out of version control.\n`),
    );
  }
  return { configPath, storePath };
}

/** @inquirer/prompts' errors for Ctrl-C (ExitPromptError) and an aborted signal (AbortPromptError), known by name: the module loads lazily. */
function isPromptInterruption(err: unknown): boolean {
  const name = (err as { name?: unknown })?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError';
}

import type { CliIO } from '../deps.js';
import { STARTER_DEFAULTS, type StarterChoices } from './starter-config.js';

const NAME = /^[a-z0-9][a-z0-9-]*$/;
const validName = (value: string) => NAME.test(value) || 'lower-case letters, digits and dashes, starting with a letter or digit';

/** Asks for the starter's choices at a terminal; prompts go to stderr so stdout stays for results. */
export async function promptChoices(io: Pick<CliIO, 'stdin' | 'stderr' | 'signal'>): Promise<StarterChoices> {
  const { confirm, input } = await import('@inquirer/prompts');
  const context = { input: io.stdin, output: io.stderr, signal: io.signal };
  const storePath = await input({ message: 'Store file (SQLite), relative to the config file', default: STARTER_DEFAULTS.storePath }, context);
  const choices: StarterChoices = { storePath };
  if (await confirm({ message: 'Add a simulated payment integration (mock adapter)?', default: true }, context)) {
    choices.payments = await input({ message: 'Its name', default: STARTER_DEFAULTS.payments, validate: validName }, context);
  }
  if (await confirm({ message: 'Add a local file storage integration (local-storage adapter)?', default: true }, context)) {
    const name = await input({ message: 'Its name', default: STARTER_DEFAULTS.files.name, validate: (v) => (v === choices.payments ? 'already used' : validName(v)) }, context);
    const root = await input({ message: 'Folder for its files, relative to the config file', default: STARTER_DEFAULTS.files.root }, context);
    choices.files = { name, root };
  }
  return choices;
}

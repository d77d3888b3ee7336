import type { Command, Option } from 'commander';

export interface CompletionOption {
  /** `-c`, `--config`: whichever the option has. */
  short?: string;
  long?: string;
  description: string;
  /** Takes a value (the next word), so that word is not a subcommand. */
  takesValue: boolean;
  choices?: readonly string[];
}

/** One command as typed after the program name ("" for the program itself, "queue drain"). */
export interface CompletionNode {
  path: string;
  commands: { name: string; description: string }[];
  /** The choices of its first argument, when it declares them (`completion <shell>`). */
  argumentChoices: readonly string[];
  /** Its own options, those of the commands above it (global ones apply everywhere) and --help. */
  options: CompletionOption[];
}

/** Every command of the commander tree, with what may be typed after it: read from the tree, so it never drifts from the CLI. */
export function completionTree(root: Command): CompletionNode[] {
  const nodes: CompletionNode[] = [];
  const visit = (cmd: Command, path: string[], inherited: CompletionOption[]) => {
    const own = cmd.options.filter((o) => !o.hidden).map(optionOf);
    const options = [...inherited, ...own];
    const help = (cmd as unknown as { _getHelpOption(): Option | null })._getHelpOption();
    nodes.push({
      path: path.join(' '),
      commands: cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden).map((c) => ({ name: c.name(), description: c.description() })),
      options: help ? [...options, optionOf(help)] : options,
      argumentChoices: cmd.registeredArguments[0]?.argChoices ?? [],
    });
    for (const child of cmd.commands) visit(child, [...path, child.name()], options);
  };
  visit(root, [], []);
  return nodes;
}

function optionOf(option: Option): CompletionOption {
  return {
    ...(option.short ? { short: option.short } : {}),
    ...(option.long ? { long: option.long } : {}),
    description: option.description,
    takesValue: option.required || option.optional,
    ...(option.argChoices ? { choices: option.argChoices } : {}),
  };
}

/** The flags an option may be typed as. */
export function flagsOf(option: CompletionOption): string[] {
  return [option.short, option.long].filter((f): f is string => f !== undefined);
}

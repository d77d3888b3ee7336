import { Argument, type Command } from 'commander';
import type { CliDeps } from '../deps.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

export function register(program: Command, deps: CliDeps): void {
  program
    .command('completion')
    .description('print a shell completion script for commands, subcommands and options')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .addHelpText(
      'after',
      `
Examples:
  source <(integrations completion bash)                      # this shell; add the line to ~/.bashrc to keep it
  integrations completion zsh > "\${fpath[1]}/_integrations"   # zsh, then start a new shell
  integrations completion fish > ~/.config/fish/completions/integrations.fish
`,
    )
    .action(async (shell: Shell, _opts: unknown, cmd: Command) => {
      let root = cmd;
      while (root.parent) root = root.parent;
      deps.stdout.write(await completionScript(shell, root));
    });
}

/** Read from the command tree at the time it runs, so the script never drifts from the CLI. */
export async function completionScript(shell: Shell, root: Command): Promise<string> {
  const { completionTree } = await import('../completion/tree.js');
  const nodes = completionTree(root);
  if (shell === 'bash') return (await import('../completion/bash.js')).bashScript(root.name(), nodes);
  if (shell === 'zsh') return (await import('../completion/zsh.js')).zshScript(root.name(), nodes);
  return (await import('../completion/fish.js')).fishScript(root.name(), nodes);
}

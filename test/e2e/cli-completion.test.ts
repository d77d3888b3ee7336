import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, tempProject } from './cli-harness.js';

/** `integrations completion bash|zsh|fish`, generated from the command tree (issue 10, §8). */
const dir = tempProject('integrations-completion-');
beforeAll(() => assertBuilt());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const installed = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

async function script(shell: string): Promise<string> {
  const res = await cli(['completion', shell], { cwd: dir });
  expect(res.code, res.stderr).toBe(0);
  expect(res.stderr).toBe('');
  return res.stdout;
}

describe('shell completion (built CLI)', () => {
  it('bash: the script is valid (bash -n) and completes commands, subcommands, options, choices, past global options and their values', async () => {
    const file = join(dir, 'integrations.bash');
    writeFileSync(file, await script('bash'));
    expect(spawnSync('bash', ['-n', file]).status).toBe(0);

    // Sourced in bash and called as bash calls it: COMP_WORDS and COMP_CWORD set, COMPREPLY read back.
    const cases: [string[], string][] = [
      [['integrations', 'qu'], 'queue'],
      [['integrations', 'queue', 'dr'], 'drain'],
      [['integrations', 'webhooks', 'subscriptions', ''], 'list remove'],
      [['integrations', '--config', 'queue', 'queue', 'p'], 'purge'],
      [['integrations', 'queue', 'drain', '--conc'], '--concurrency'],
      [['integrations', 'logs', 'prune', '--d'], '--db --dry-run'],
      [['integrations', 'logs', 'tail', '--status', ''], 'ok failed'],
      [['integrations', 'completion', ''], 'bash zsh fish'],
    ];
    const calls = cases.map(([words]) => `t ${words.map((w) => `'${w}'`).join(' ')}`).join('\n');
    const res = spawnSync(
      'bash',
      ['-c', `source ${file}\nt() { COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _integrations_completion; echo "\${COMPREPLY[*]}"; }\n${calls}\ncomplete -p integrations`],
      { encoding: 'utf8' },
    );
    expect(res.stderr).toBe('');
    const lines = res.stdout.trim().split('\n');
    expect(lines.slice(0, cases.length)).toEqual(cases.map(([, expected]) => expected));
    expect(lines[cases.length]).toBe('complete -o default -F _integrations_completion integrations');
  });

  it('zsh: a #compdef function with every command and its options described (zsh -n when zsh is installed)', async () => {
    const text = await script('zsh');
    expect(text.startsWith('#compdef integrations\n')).toBe(true);
    expect(text).toContain("'queue drain')");
    expect(text).toContain("'--concurrency:jobs running at once'");
    expect(text).toContain("'drain:run due jobs");
    expect(text).toMatch(/'logs tail\|--status'\) choices=\('ok' 'failed'\)/);
    expect(text).toContain('compdef _integrations integrations');
    if (installed('zsh')) {
      const file = join(dir, '_integrations');
      writeFileSync(file, text);
      expect(spawnSync('zsh', ['-n', file]).status).toBe(0);
    }
  });

  it('fish: one complete line per subcommand and option, guarded by the command typed so far (fish -n when fish is installed)', async () => {
    const text = await script('fish');
    expect(text).toContain("complete -c integrations -f -n '__integrations_is \\'queue\\'' -a 'drain' -d 'run due jobs");
    expect(text).toContain("complete -c integrations -n '__integrations_is \\'queue drain\\'' -l concurrency -r -d 'jobs running at once'");
    expect(text).toContain("complete -c integrations -n '__integrations_is \\'logs tail\\'' -s s -l status -x -a 'ok failed'");
    expect(text).toContain("complete -c integrations -n '__integrations_is \\'\\'' -s c -l config -r");
    if (installed('fish')) {
      const file = join(dir, 'integrations.fish');
      writeFileSync(file, text);
      expect(spawnSync('fish', ['-n', file]).status).toBe(0);
    }
  });

  it('an unknown shell is a usage error naming the choices', async () => {
    const res = await cli(['completion', 'powershell'], { cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/Allowed choices are bash, zsh, fish/);
  });
});

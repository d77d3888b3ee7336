/**
 * The built CLI on a real pseudo-terminal, through util-linux `script`:
 * what a person at a terminal sees (status lines, prompts) and what their
 * keys do (Ctrl-C is typed as \x03, and the terminal turns it into SIGINT
 * or, in a prompt's raw mode, a key).
 */
import { spawn, spawnSync } from 'node:child_process';
import { BIN } from './cli-harness.js';

export const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

export interface TerminalRun {
  /** Types text at the terminal. */
  type(text: string): void;
  /** Resolves with everything shown so far once it matches. */
  waitFor(pattern: RegExp): Promise<string>;
  done: Promise<{ code: number | null; output: string }>;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function onTerminal(args: string[], options: { cwd: string; env?: Record<string, string> }): TerminalRun {
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  // -e: exit with the command's own code; -f: flush as it comes; the typescript file is thrown away.
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: options.cwd, LANG: 'C.UTF-8', TERM: 'xterm', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const watchers: { pattern: RegExp; resolve: (text: string) => void }[] = [];
  const seen = (d: string) => {
    output += d;
    for (const w of watchers.splice(0)) {
      if (w.pattern.test(output)) w.resolve(output);
      else watchers.push(w);
    }
  };
  child.stdout.setEncoding('utf8').on('data', seen);
  child.stderr.setEncoding('utf8').on('data', seen);
  const done = new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
  return {
    type: (text) => void child.stdin.write(text),
    waitFor: (pattern) =>
      new Promise((resolve) => {
        if (pattern.test(output)) resolve(output);
        else watchers.push({ pattern, resolve });
      }),
    done: done.finally(() => child.stdin.destroy()),
  };
}

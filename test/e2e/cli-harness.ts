import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The built CLI; e2e tests run it exactly as a user would. `npm test` builds first. */
export const BIN = fileURLToPath(new URL('../../bin/integrations', import.meta.url));
const BUILT_MAIN = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  stdin?: string;
  /** Run as this user instead (root only), e.g. nobody: { uid: 65534, gid: 65534 }. */
  user?: { uid: number; gid: number };
  /** Run under this umask (e.g. 0o000, the most permissive) instead of the test runner's. */
  umask?: number;
}

export function assertBuilt(): void {
  if (!existsSync(BUILT_MAIN)) throw new Error(`${BUILT_MAIN} is missing: run \`npm run build\` before the e2e tests`);
}

/** Runs `integrations <args>` in a child process with a clean environment (no colour forcing, no config from the caller). */
export function cli(args: string[], options: CliRunOptions): Promise<CliResult> {
  return startCli(args, options).done;
}

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the first stdout text matching the pattern. */
  waitForStdout(pattern: RegExp): Promise<string>;
  done: Promise<CliResult>;
}

/** Starts the CLI and lets the test watch its output and signal it while it runs. */
export function startCli(args: string[], options: CliRunOptions): RunningCli {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: options.cwd, LANG: 'C.UTF-8' };
  for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v;
  // Node cannot set a child's umask: a shell sets it and execs node in its place.
  const [command, argv] =
    options.umask === undefined
      ? [process.execPath, [BIN, ...args]]
      : ['/bin/sh', ['-c', `umask ${options.umask.toString(8).padStart(3, '0')} && exec "$@"`, 'sh', process.execPath, BIN, ...args]];
  const child = spawn(command, argv, { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'], ...options.user });
  let stdout = '';
  let stderr = '';
  const watchers: { pattern: RegExp; resolve: (text: string) => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    for (const w of watchers.splice(0)) {
      if (w.pattern.test(stdout)) w.resolve(stdout);
      else watchers.push(w);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<CliResult>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
  child.stdin.end(options.stdin ?? '');
  return {
    child,
    done,
    waitForStdout: (pattern) =>
      new Promise((resolveWait) => {
        if (pattern.test(stdout)) resolveWait(stdout);
        else watchers.push({ pattern, resolve: resolveWait });
      }),
  };
}

export function tempProject(prefix = 'integrations-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A JSON config in `dir` (relative paths in it resolve against `dir`). */
export function writeJsonConfig(dir: string, config: unknown, name = 'integrations.config.json'): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

export function parseJson<T = unknown>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`expected JSON, got:\n${text}`);
  }
}

/**
 * Installs `file` (an adapter module) as the package `name` in `dir`'s
 * node_modules, since a config names adapters by package name only; returns
 * the name to list under `adapters`.
 */
export function adapterPackage(dir: string, name: string, file: string): string {
  const pkg = join(dir, 'node_modules', name);
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name, type: 'module', main: 'index.mjs' }));
  writeFileSync(join(pkg, 'index.mjs'), `export { default } from ${JSON.stringify(pathToFileURL(file).href)};\n`);
  return name;
}

/**
 * Runs the CLI in-process through main() with injected IO: collected
 * stdout/stderr, a chosen stdin, an injected clock and signal, and a
 * temporary project folder with a JSON config.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { Clock } from '../../src/core/clock.js';
import { ManualClock } from '../../src/core/clock.js';
import type { CliIO } from '../../src/cli/deps.js';
import { main } from '../../src/cli/main.js';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

export interface InProcessOptions {
  cwd: string;
  clock?: Clock;
  signal?: AbortSignal;
  stdin?: string;
  env?: NodeJS.ProcessEnv;
  stderrIsTTY?: boolean;
  /** Replaces the string stdin, e.g. a fake terminal for prompts. */
  stdinStream?: Readable;
  /** Sees stderr as it is written (prompts). */
  onStderr?: (textSoFar: string) => void;
}

function collector(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export async function runCli(argv: string[], options: InProcessOptions): Promise<Captured> {
  const out = collector();
  const err = collector();
  // Like process.stderr, which a prompt library may end() when it finishes a prompt without it closing.
  if (options.stdinStream) err.stream.end = (() => err.stream) as typeof err.stream.end;
  if (options.onStderr) err.stream.on('data', () => options.onStderr?.(err.text()));
  const io: CliIO = {
    stdout: out.stream,
    stderr: err.stream,
    stdin: options.stdinStream ?? Readable.from([Buffer.from(options.stdin ?? '')]),
    isTTY: false,
    stderrIsTTY: options.stderrIsTTY ?? false,
    env: options.env ?? {},
    cwd: options.cwd,
    clock: options.clock ?? new ManualClock(),
    signal: options.signal ?? new AbortController().signal,
  };
  const code = await main(argv, io);
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: out.text(), stderr: err.text() };
}

export function projectWithConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'integrations-cli-'));
  writeFileSync(join(dir, 'integrations.config.json'), JSON.stringify(config));
  return dir;
}

import { Chalk, type ChalkInstance } from 'chalk';
import type { CliIO, GlobalOptions } from '../deps.js';

/**
 * Colour only for a person at a terminal: never under --json, --no-color or
 * NO_COLOR (https://no-color.org: set and non-empty), nor into a pipe unless
 * FORCE_COLOR asks for it.
 */
export function colorEnabled(options: GlobalOptions, io: Pick<CliIO, 'env' | 'isTTY'>): boolean {
  if (options.json || options.color === false) return false;
  if (io.env.NO_COLOR) return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return io.isTTY && io.env.TERM !== 'dumb';
}

/** A chalk instance for this invocation (chalk's own detection reads the real process, not the injected IO). */
export function palette(options: GlobalOptions, io: Pick<CliIO, 'env' | 'isTTY'>): ChalkInstance {
  return new Chalk({ level: colorEnabled(options, io) ? 1 : 0 });
}

export type Palette = ChalkInstance;

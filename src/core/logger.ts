import type { Logger } from './adapter.js';
import { redact } from './redact.js';

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

/** One JSON object per line (for the daemon's stdout and --verbose), secrets scrubbed (a SecretSet is read live, line by line). */
export function jsonLineLogger(write: (line: string) => void, options: { level?: Level; base?: Record<string, unknown>; secrets?: Iterable<string>; now?: () => number } = {}): Logger {
  const min = LEVELS.indexOf(options.level ?? 'info');
  const now = options.now ?? Date.now;
  const emit = (level: Level) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(level) < min) return;
    const entry = redact({ time: new Date(now()).toISOString(), level, msg: message, ...options.base, ...fields }, { values: options.secrets });
    write(`${JSON.stringify(entry)}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

import type { Readable, Writable } from 'node:stream';
import type { Clock } from '../core/clock.js';
import type { LoadedConfig } from '../config/types.js';
import type { Store } from '../store/types.js';
import type { AdapterRegistry } from '../core/registry.js';
import type { Executor } from '../core/executor.js';
import type { SecretSet } from '../core/secret-set.js';

/** Options every command accepts (declared once on the root program). */
export interface GlobalOptions {
  config?: string;
  db?: string;
  json?: boolean;
  verbose?: boolean;
  /** false with --no-color; NO_COLOR in the environment also turns colour off. */
  color?: boolean;
}

/** What a command's run function may touch: never `process` directly (STYLE.md). */
export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  /** stdout is a terminal: tables, colour, progress lines. */
  isTTY: boolean;
  /** stderr is a terminal: progress for streamed exports. */
  stderrIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  clock: Clock;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
}

/** A loaded config with its store and engine, opened once per command and closed by main. */
export interface Session {
  config: LoadedConfig;
  registry: AdapterRegistry;
  store: Store;
  executor: Executor;
  /** Every secret this process knows, growing as tokens are obtained: what the executor, loggers and health checks mask. */
  secrets: SecretSet;
}

export interface CliDeps extends CliIO {
  /** Loads the config and opens the store on first call; later calls return the same session. */
  session(options: GlobalOptions): Promise<Session>;
  /** Loads the config only (commands that must not create a store). */
  loadConfig(options: GlobalOptions): Promise<{ config: LoadedConfig; registry: AdapterRegistry }>;
  /** The registry without any config (adapters list/show, simulate). */
  registry(): AdapterRegistry;
  /** Sets the process exit code without throwing (e.g. health: some unhealthy). */
  setExitCode(code: number): void;
}

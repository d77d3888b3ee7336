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
  /**
   * Aborted on a second SIGINT/SIGTERM, for a command that called
   * holdSecondSignal(); without that call the second signal ends the process
   * at once (exit 130).
   */
  stopNow?: AbortSignal;
  /** This command tidies up and stops by itself on a second signal (the drain gives back its leases). */
  holdSecondSignal?(): void;
  /**
   * The reader of stdout went away (`| head`). By default the process then
   * ends quietly at once; a command that must tidy up first (the demo: its
   * daemon, simulators and temporary folder) registers here to be told
   * instead, and stops by itself. Returns the unregistration.
   */
  whenStdoutCloses?(handler: () => void): () => void;
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

/**
 * How a command uses the store. `read`: opened read-only, never created or
 * migrated, so it works for a user who may only read the store. `write`
 * (default). `record-if-allowed`: written when this user may, else read
 * with one warning and nothing recorded (health).
 */
export type StoreAccess = 'read' | 'write' | 'record-if-allowed';

export interface CliDeps extends CliIO {
  /** Loads the config and opens the store on first call; later calls return the same session. */
  session(options: GlobalOptions, needs?: { store?: StoreAccess }): Promise<Session>;
  /** Loads the config only (commands that must not create a store). */
  loadConfig(options: GlobalOptions): Promise<{ config: LoadedConfig; registry: AdapterRegistry }>;
  /** The registry without any config (adapters list/show, simulate). */
  registry(): AdapterRegistry;
  /** Sets the process exit code without throwing (e.g. health: some unhealthy). */
  setExitCode(code: number): void;
}

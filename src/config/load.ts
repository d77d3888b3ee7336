import { dirname } from 'node:path';
import type { AdapterRegistry } from '../core/registry.js';
import { findConfigFile } from './discover.js';
import { importConfigFile } from './import-config.js';
import { resolveConfig } from './resolve-config.js';
import type { LoadedConfig } from './types.js';

export interface LoadConfigOptions {
  /** From --config: a file, or a folder holding integrations.config.*; relative to cwd. */
  configPath?: string;
  /** From --db: the SQLite file, overriding INTEGRATIONS_DB and the config; relative to cwd. */
  dbPath?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Validates each integration's config against its adapter; the config's third-party `adapters` are added to it. */
  registry: AdapterRegistry;
  /** Notes for --verbose (a refused compile cache). */
  note?: (line: string) => void;
}

/**
 * Finds, loads and validates the config. Every failure is an
 * IntegrationError('CONFIG_INVALID') whose message lists every problem, with
 * field paths and never a secret value.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const file = findConfigFile({ configPath: options.configPath, cwd, env });
  const exported = await importConfigFile(file, { env, note: options.note });
  return resolveConfig(exported, {
    file,
    dir: dirname(file),
    cwd,
    env,
    dbPath: options.dbPath,
    registry: options.registry,
  });
}

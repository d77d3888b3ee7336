import type { Store } from './types.js';
import type { SqliteOptions } from './sqlite/database.js';

export interface StoreSettings extends SqliteOptions {
  backend?: 'sqlite';
  /** Path of the SQLite file. */
  path: string;
  /**
   * Only read: the store is not created, migrated or written, so a user who
   * may read it but not write it can (a missing store reads as empty).
   */
  readOnly?: boolean;
}

/** Opens the configured backend; backends load lazily so a command pays only for the one it uses. */
export async function openStore(settings: StoreSettings): Promise<Store> {
  const { SqliteStore } = await import('./sqlite/store.js');
  return SqliteStore.open(settings.path, settings);
}

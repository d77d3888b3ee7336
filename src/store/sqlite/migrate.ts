import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { packageRoot } from '../../core/package-root.js';
import { StoreError } from '../errors.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Numbered files `NNN_name.sql` in migrations/sqlite, in order. */
export function loadMigrations(dir = join(packageRoot(), 'migrations', 'sqlite')): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d+_[\w-]+\.sql$/.test(f))
    .map((f) => ({ version: Number(f.split('_')[0]), name: f.replace(/\.sql$/, ''), sql: readFileSync(join(dir, f), 'utf8') }))
    .sort((a, b) => a.version - b.version);
}

/**
 * Applies what is missing, each migration in its own immediate transaction
 * together with its schema_migrations row, so a crash leaves the store at a
 * whole version. A store newer than the code is refused.
 */
export function migrate(db: Database.Database, location: string, migrations = loadMigrations()): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const newest = migrations.at(-1)?.version ?? 0;
  const storeNewest = Math.max(0, ...applied);
  if (storeNewest > newest) {
    throw new StoreError(
      'STORE_TOO_NEW',
      `store ${location} is at schema version ${storeNewest} but this integrations build knows only up to ${newest}; upgrade integrations`,
    );
  }
  const done: number[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    const ran = db.transaction(() => {
      // Another process opening the same new store may have applied it while we waited for the lock.
      if (isApplied.get(m.version)) return false;
      db.exec(m.sql);
      record.run(m.version, m.name, Date.now());
      return true;
    }).immediate();
    if (ran) done.push(m.version);
  }
  return done;
}

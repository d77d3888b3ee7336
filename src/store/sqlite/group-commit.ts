import type { Store } from '../types.js';
import { mapSqliteError } from '../errors.js';
import type { SqliteStore } from './store.js';

/** The writes a drain makes per job; reads pass straight through. */
const WRITES: Record<string, readonly string[]> = {
  logs: ['append'],
  idempotency: ['claim', 'settle', 'release'],
  kv: ['set', 'delete'],
  queue: ['claim', 'settle', 'renew', 'enqueue'],
  circuits: ['update'],
  rateLimits: ['take'],
};

type Op = { run: () => Promise<unknown>; resolve: (value: unknown) => void; reject: (err: unknown) => void };

/**
 * A view of a SQLite store whose writes issued in the same turn of the event
 * loop commit together in one immediate transaction: one fsync for many
 * concurrent jobs instead of one each. Every caller still waits until its
 * own write is committed, so nothing is acknowledged before it is durable,
 * and each write keeps its own atomicity (nested transactions become
 * savepoints; a failing write rejects only its caller). Holding the write
 * lock for the batch keeps each claim atomic against other processes.
 */
export function groupCommit(store: SqliteStore): Store {
  const db = store.db;
  let pending: Op[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    const results: Promise<unknown>[] = [];
    try {
      db.transaction(() => {
        for (const op of batch) {
          try {
            results.push(op.run());
          } catch (err) {
            // A nested transaction that failed has rolled back to its savepoint; the batch goes on.
            results.push(Promise.reject(err));
          }
        }
      }).immediate();
    } catch (err) {
      const failure = mapSqliteError(err, store.location);
      for (const op of batch) op.reject(failure);
      return;
    }
    batch.forEach((op, i) => results[i].then(op.resolve, op.reject));
  };

  const enqueue = (run: () => Promise<unknown>) =>
    new Promise<unknown>((resolve, reject) => {
      pending.push({ run, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });

  const view: Record<string, unknown> = {};
  for (const [name, writes] of Object.entries(WRITES)) {
    const repo = (store as unknown as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>)[name];
    view[name] = new Proxy(repo, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof prop !== 'string' || !writes.includes(prop) || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
        return (...args: unknown[]) => enqueue(() => value.apply(target, args));
      },
    });
  }
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in view) return view[prop];
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as unknown as Store;
}

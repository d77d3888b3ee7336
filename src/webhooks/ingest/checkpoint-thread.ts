/**
 * Copies the WAL back into the database file on its own thread and SQLite
 * connection. Left to SQLite's auto-checkpoint, that copy (and its fsync of
 * the database file) runs inside whichever commit crosses the WAL size
 * threshold: every few thousand webhooks, one group commit (and every
 * provider waiting on it) stalls for it. A PASSIVE checkpoint runs beside
 * writers without blocking them, so the writer thread's commits stay short.
 * Durability is unchanged: a commit is on disk once its WAL frames are.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const port = parentPort!;
const db = new Database(path, { timeout: 0 });
db.pragma('synchronous = FULL');
// This connection never writes; the checkpoint is all it does.
db.pragma('wal_autocheckpoint = 0');

function checkpoint(): void {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // SQLITE_BUSY: another checkpoint is running (a CLI process); the next tick tries again.
  }
}

const timer = setInterval(checkpoint, intervalMs);
port.on('message', (message: { op: 'close' }) => {
  if (message.op !== 'close') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  port.postMessage({ op: 'closed' });
});
port.postMessage({ op: 'ready' });

/**
 * The store writer thread: owns one SQLite connection and runs the daemon's
 * webhook writes (ingest commits and processing outcomes), so the fsync of
 * each group commit never blocks the event loop that serves requests.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { StoreFileModes } from '../../store/sqlite/file-modes.js';
import { SqliteStore } from '../../store/sqlite/store.js';
import type { WriterReply, WriterRequest } from './writer-protocol.js';

/** 64 MiB of 4 KiB pages. */
const BACKSTOP_CHECKPOINT_PAGES = 16_384;

const { path, busyTimeoutMs, files } = workerData as { path: string; busyTimeoutMs: number; files?: StoreFileModes };
const port = parentPort!;
let store: SqliteStore;
try {
  // The same modes as the daemon's own connection, which has already applied them (and warned): a group keeps its access.
  store = SqliteStore.open(path, { busyTimeoutMs, files });
  // The checkpoint thread keeps the WAL short; SQLite's own auto-checkpoint,
  // run inside a group commit, stays only as a backstop should it fall behind.
  store.db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  port.postMessage({ seq: 0, ok: true, value: null } satisfies WriterReply);
} catch (error) {
  port.postMessage({ seq: 0, ok: false, error: { message: (error as Error).message, code: (error as { code?: string }).code } } satisfies WriterReply);
  process.exit(1);
}

/** Bodies arrive as Uint8Array views; SQLite binds Buffers. */
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

async function handle(message: WriterRequest): Promise<WriterReply> {
  try {
    switch (message.op) {
      case 'commit': {
        const deliveries = message.batch.deliveries.map((d) => ({ ...d, body: asBuffer(d.body) }));
        return { seq: message.seq, ok: true, value: await store.webhooks.commit({ deliveries, rejections: message.batch.rejections }) };
      }
      case 'settle': {
        // Only what the caller does not already have goes back: ids and times, not the event data.
        const stored = await store.webhooks.settle(message.results);
        return { seq: message.seq, ok: true, value: stored.map((events) => events.map((e) => ({ id: e.id, createdAt: e.createdAt, integration: e.integration }))) };
      }
      case 'close':
        await store.close();
        return { seq: message.seq, ok: true, value: null };
    }
  } catch (error) {
    return { seq: message.seq, ok: false, error: { message: (error as Error).message, code: (error as { code?: string }).code } };
  }
}

/**
 * Commits first: a provider is waiting on each one, while processing
 * outcomes can wait. One message per turn of this thread's event loop, so a
 * commit that arrives during a settle is next, not behind the settle queue.
 */
const commits: WriterRequest[] = [];
const others: WriterRequest[] = [];
let scheduled = false;

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(() => void step());
}

async function step(): Promise<void> {
  scheduled = false;
  const message = commits.shift() ?? others.shift();
  if (!message) return;
  port.postMessage(await handle(message));
  if (commits.length || others.length) schedule();
}

port.on('message', (message: WriterRequest) => {
  (message.op === 'commit' ? commits : others).push(message);
  schedule();
});

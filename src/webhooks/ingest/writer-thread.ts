/**
 * The store writer thread: owns one SQLite connection and runs the daemon's
 * webhook writes (ingest commits and processing outcomes), so the fsync of
 * each group commit never blocks the event loop that serves requests.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteStore } from '../../store/sqlite/store.js';
import type { WriterReply, WriterRequest } from './writer-protocol.js';

const { path, busyTimeoutMs } = workerData as { path: string; busyTimeoutMs: number };
const port = parentPort!;
let store: SqliteStore;
try {
  store = SqliteStore.open(path, { busyTimeoutMs });
  port.postMessage({ seq: 0, ok: true, value: null } satisfies WriterReply);
} catch (error) {
  port.postMessage({ seq: 0, ok: false, error: { message: (error as Error).message, code: (error as { code?: string }).code } } satisfies WriterReply);
  process.exit(1);
}

/** Bodies arrive as Uint8Array views; SQLite binds Buffers. */
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

port.on('message', (message: WriterRequest) => {
  void (async () => {
    let reply: WriterReply;
    try {
      switch (message.op) {
        case 'commit': {
          const deliveries = message.batch.deliveries.map((d) => ({ ...d, body: asBuffer(d.body) }));
          reply = { seq: message.seq, ok: true, value: await store.webhooks.commit({ deliveries, rejections: message.batch.rejections }) };
          break;
        }
        case 'settle': {
          // Only what the caller does not already have goes back: ids and times, not the event data.
          const stored = await store.webhooks.settle(message.results);
          reply = { seq: message.seq, ok: true, value: stored.map((events) => events.map((e) => ({ id: e.id, createdAt: e.createdAt, integration: e.integration }))) };
          break;
        }
        case 'close':
          await store.close();
          reply = { seq: message.seq, ok: true, value: null };
          break;
      }
    } catch (error) {
      reply = { seq: message.seq, ok: false, error: { message: (error as Error).message, code: (error as { code?: string }).code } };
    }
    port.postMessage(reply);
  })();
});

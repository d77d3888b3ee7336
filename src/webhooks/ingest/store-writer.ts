import { Worker } from 'node:worker_threads';
import { runningFromSource } from '../../core/package-root.js';
import { StoreError, type StoreErrorCode } from '../../store/errors.js';
import type { StoreFileModes } from '../../store/sqlite/file-modes.js';
import type { IngestOutcome, ProcessingResult, StoredEvent, WebhookRepo } from '../../store/webhook-types.js';
import type { WriterReply, WriterRequest } from './writer-protocol.js';

type Distribute<T> = T extends unknown ? Omit<T, 'seq'> : never;

/** How often the checkpoint thread copies the WAL into the database file. */
const CHECKPOINT_INTERVAL_MS = 100;

const STORE_CODES = new Set<string>(['STORE_LOCKED', 'STORE_CORRUPT', 'STORE_TOO_NEW', 'STORE_UNAVAILABLE']);

function toError(error: { message: string; code?: string }): Error {
  if (error.code && STORE_CODES.has(error.code)) return new StoreError(error.code as StoreErrorCode, error.message);
  return Object.assign(new Error(error.message), { code: error.code });
}

/**
 * The daemon's webhook writes on their own thread and SQLite connection
 * (WAL lets it write beside the main connection's reads). The event loop
 * keeps parsing and answering requests while a group commit waits for its
 * fsync, so the next batch fills up meanwhile: that overlap is what lets
 * one fsync serve many requests.
 */
export class ThreadedWebhookWriter implements Pick<WebhookRepo, 'commit' | 'settle'> {
  private seq = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private dead: Error | undefined;
  private checkpointerExited = false;

  private constructor(
    private readonly worker: Worker,
    private readonly checkpointer: Worker,
  ) {
    worker.on('message', (reply: WriterReply) => {
      const waiter = this.pending.get(reply.seq);
      if (!waiter) return;
      this.pending.delete(reply.seq);
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(toError(reply.error));
    });
    const fail = (error: Error) => {
      this.dead = new StoreError('STORE_UNAVAILABLE', `webhook store writer stopped: ${error.message}`, { cause: error });
      for (const waiter of this.pending.values()) waiter.reject(this.dead);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    // Losing the checkpoint thread costs only the WAL's size (the writer's backstop checkpoint takes over).
    checkpointer.on('error', () => {});
    checkpointer.once('exit', () => {
      this.checkpointerExited = true;
    });
  }

  /** Opens the writer's own connection to the SQLite file at `path`; rejects as opening the store would. */
  static async start(path: string, busyTimeoutMs: number, files?: StoreFileModes): Promise<ThreadedWebhookWriter> {
    const fromSource = runningFromSource();
    const thread = (name: string, workerData: unknown) =>
      new Worker(new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, import.meta.url), {
        workerData,
        // Under the test runner the thread runs the TypeScript source through the same loader as the CLI's config.
        execArgv: fromSource ? ['--import', 'jiti/register'] : [],
      });
    const worker = thread('writer-thread', { path, busyTimeoutMs, files });
    // The thread answers seq 0 once its connection is open (migrations applied), or with why it could not.
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (reply: WriterReply) => {
        if (reply.seq !== 0) return;
        worker.off('message', onMessage);
        if (reply.ok) resolve();
        else reject(toError(reply.error));
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new StoreError('STORE_UNAVAILABLE', `webhook store writer exited with code ${code} while opening ${path}`)));
    });
    let checkpointer: Worker | undefined;
    try {
      await ready;
      // Started once the writer has created the file and applied migrations.
      checkpointer = thread('checkpoint-thread', { path, intervalMs: CHECKPOINT_INTERVAL_MS });
      const started = checkpointer;
      await new Promise<void>((resolve, reject) => {
        started.once('message', () => resolve());
        started.once('error', reject);
      });
    } catch (error) {
      await worker.terminate();
      await checkpointer?.terminate();
      throw error;
    }
    return new ThreadedWebhookWriter(worker, checkpointer);
  }

  /** Why the writer can no longer write (its thread ended), for readiness. */
  get failure(): Error | undefined {
    return this.dead;
  }

  commit(batch: Parameters<WebhookRepo['commit']>[0]): Promise<IngestOutcome[]> {
    if (batch.deliveries.length === 0 && batch.rejections.length === 0) return Promise.resolve([]);
    return this.call({ op: 'commit', batch }) as Promise<IngestOutcome[]>;
  }

  async settle(results: ProcessingResult[]): Promise<StoredEvent[][]> {
    if (results.length === 0) return [];
    const stored = (await this.call({ op: 'settle', results })) as { id: number; createdAt: number; integration: string }[][];
    return stored.map((events, i) => {
      const result = results[i];
      if (!result.ok) return [];
      return events.map((e, seq) => ({ ...result.events[seq], id: e.id, webhookId: result.id, seq, integration: e.integration, createdAt: e.createdAt }));
    });
  }

  /** Closes the writer's connection and ends the thread; pending writes finish first (messages are in order). */
  async close(): Promise<void> {
    await this.closeCheckpointer();
    if (this.dead) return;
    await this.call({ op: 'close' });
    await this.worker.terminate();
  }

  /** A last checkpoint, then the thread ends; it is not worth failing a shutdown for. */
  private async closeCheckpointer(): Promise<void> {
    if (this.checkpointerExited) return;
    const closed = new Promise<void>((resolve) => {
      this.checkpointer.once('message', () => resolve());
      this.checkpointer.once('error', () => resolve());
      this.checkpointer.once('exit', () => resolve());
    });
    this.checkpointer.postMessage({ op: 'close' });
    await closed;
    await this.checkpointer.terminate();
  }

  private call(request: Distribute<WriterRequest>): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      try {
        this.worker.postMessage({ ...request, seq });
      } catch (error) {
        // Not cloneable (a value too deep for structured clone, say): this request fails, the writer goes on.
        this.pending.delete(seq);
        reject(error as Error);
      }
    });
  }
}

/** The store's webhook repository with its writes sent to the writer thread and its reads left on the caller's connection. */
export function withWriter(reads: WebhookRepo, writer: ThreadedWebhookWriter): WebhookRepo {
  return {
    commit: (batch) => writer.commit(batch),
    settle: (results) => writer.settle(results),
    get: (id) => reads.get(id),
    getMany: (ids) => reads.getMany(ids),
    list: (filter) => reads.list(filter),
    rejections: (filter) => reads.rejections(filter),
  };
}

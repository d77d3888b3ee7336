import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { UsageError } from '../../core/usage-error.js';
import type { LogFilter } from '../../store/types.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { printJson } from '../render/json.js';
import { liveLine } from '../render/live-line.js';
import { formatProgress } from '../render/progress.js';
import { parseTimeBound } from '../time-bound.js';
import { checkOutPath } from './out-path.js';
import { CSV_COLUMNS, rowCsv, rowJson } from './row-format.js';

export type ExportFormat = 'jsonl' | 'csv';

export interface ExportOptions {
  global: GlobalOptions;
  format: ExportFormat;
  since?: string;
  until?: string;
  integration?: string;
  /** A file to write; stdout when omitted. */
  out?: string;
}

const PROGRESS_EVERY = 5000;

/**
 * Streams matching rows oldest first, one at a time, waiting for the
 * destination to drain: millions of rows in constant memory. A file is
 * written beside its final name and renamed when complete, so an
 * interrupted export never looks like a finished one.
 */
export async function runExport(options: ExportOptions, deps: CliDeps): Promise<number> {
  const now = deps.clock.now();
  const filter: LogFilter = {
    integration: options.integration,
    sinceMs: options.since === undefined ? undefined : parseTimeBound('--since', options.since, now),
    untilMs: options.until === undefined ? undefined : parseTimeBound('--until', options.until, now),
  };
  if (filter.sinceMs !== undefined && filter.untilMs !== undefined && filter.sinceMs >= filter.untilMs) {
    throw new UsageError('--since must be earlier than --until');
  }
  const target = options.out === undefined ? undefined : resolve(deps.cwd, options.out);
  if (target !== undefined) checkOutPath(target, options.out as string);
  const { store } = await deps.session(options.global, { store: 'read' });
    // A fresh name, created exclusively ('wx': O_CREAT|O_EXCL): a file or symlink planted
  // beside the target is never opened, so the export cannot be redirected through it.
  const partial = target && `${target}.${randomBytes(6).toString('hex')}.partial`;
  const sink = partial ? createWriteStream(partial, { flags: 'wx', mode: 0o600 }) : deps.stdout;
  const writer = drainingWriter(sink);
  const progress = deps.stderrIsTTY ? exportProgress(deps, await store.logs.count(filter)) : undefined;

  let written = 0;
  try {
    if (options.format === 'csv') await writer.write(`${CSV_COLUMNS.join(',')}\r\n`);
    for await (const row of store.logs.iterate(filter)) {
      if (deps.signal.aborted) throw deps.signal.reason;
      if (writer.closed) break;
      await writer.write(options.format === 'csv' ? rowCsv(row) : `${JSON.stringify(rowJson(row))}\n`);
      written++;
      if (written % PROGRESS_EVERY === 0) progress?.update(written);
    }
    if (partial && target) {
      await writer.end();
      await rename(partial, target);
    }
  } catch (err) {
    if (partial) {
      await writer.end().catch(() => {});
      await rm(partial, { force: true });
    }
    progress?.done(written, false);
    throw err;
  }
  progress?.done(written, true);
  if (target && options.global.json) printJson(deps.stdout, { exported: written, format: options.format, out: target });
  else if (target && !deps.stderrIsTTY) deps.stderr.write(`exported ${written} rows to ${options.out}\n`);
  return written;
}

interface DrainingWriter {
  write(chunk: string): Promise<void>;
  end(): Promise<void>;
  /** The reader went away (e.g. `| head`): stop quietly. */
  readonly closed: boolean;
}

function drainingWriter(stream: Writable): DrainingWriter {
  let failure: Error | undefined;
  let closed = false;
  // Stays attached: stdout may report EPIPE after the last write.
  const onError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') closed = true;
    else failure = err;
  };
  stream.on('error', onError);
  return {
    get closed() {
      return closed;
    },
    async write(chunk) {
      if (failure) throw failure;
      if (closed) return;
      if (!stream.write(chunk)) {
        await new Promise<void>((resolveDrain, reject) => {
          const cleanup = () => {
            stream.off('drain', onDrain);
            stream.off('error', onFail);
            stream.off('close', onDrain);
          };
          const onDrain = () => (cleanup(), resolveDrain());
          const onFail = (err: Error) => (cleanup(), (err as NodeJS.ErrnoException).code === 'EPIPE' ? resolveDrain() : reject(err));
          stream.once('drain', onDrain);
          stream.once('error', onFail);
          stream.once('close', onDrain);
        });
      }
      if (failure) throw failure;
    },
    end() {
      return new Promise<void>((resolveEnd, reject) => {
        if (failure) return reject(failure);
        stream.once('error', reject);
        stream.end(() => resolveEnd());
      });
    },
  };
}

function exportProgress(deps: CliDeps, total: number) {
  const line = liveLine(deps.stderr);
  const started = deps.clock.now();
  const text = (n: number) => formatProgress({ label: 'exporting', done: n, total, unit: 'rows', elapsedMs: deps.clock.now() - started });
  return {
    update(n: number) {
      line.show(text(n));
    },
    done(n: number, complete: boolean) {
      line.finish(`${text(n)}${complete ? '' : ', stopped'}`);
    },
  };
}

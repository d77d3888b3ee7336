/** Failures of the store itself, distinct from an integration's failures; the CLI gives them their own exit code. */
export type StoreErrorCode = 'STORE_LOCKED' | 'STORE_CORRUPT' | 'STORE_TOO_NEW' | 'STORE_TOO_OLD' | 'STORE_UNAVAILABLE' | 'STORE_PERMISSION_DENIED';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** The file system refused us (EACCES, EROFS, ENOSPC...): the store's own failure, never a bug in the caller. */
export function mapFileSystemError(err: unknown, location: string): unknown {
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  if (!/^E[A-Z]+$/.test(code)) return err;
  return new StoreError('STORE_UNAVAILABLE', `store ${location} cannot be opened: ${(err as Error).message}`, { cause: err });
}

/** Maps a better-sqlite3 error to a StoreError with a message an operator can act on. */
export function mapSqliteError(err: unknown, location: string): unknown {
  const code = (err as { code?: string })?.code ?? '';
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED') {
    return new StoreError('STORE_LOCKED', `store ${location} is locked by another process (busy timeout exceeded); retry shortly`, { cause: err });
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT')) {
    return new StoreError('STORE_CORRUPT', `store ${location} is corrupt or not an integrations database`, { cause: err });
  }
  if (code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_FULL') {
    return new StoreError('STORE_UNAVAILABLE', `store ${location} cannot be written: ${(err as Error).message}`, { cause: err });
  }
  return err;
}

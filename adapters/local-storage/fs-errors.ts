import { IntegrationError, type ErrorCategory } from '../../src/core/errors.js';

/** A filesystem failure in the vocabulary every storage provider speaks. */
export function fsError(err: unknown, doing: string): IntegrationError {
  if (err instanceof IntegrationError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? '';
  const category: ErrorCategory =
    code === 'ENOENT'
      ? 'NOT_FOUND'
      : code === 'EACCES' || code === 'EPERM'
        ? 'AUTHENTICATION_FAILED'
        : code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'ENAMETOOLONG'
          ? 'INVALID_REQUEST'
          : e?.name === 'AbortError'
            ? 'TIMEOUT'
            : 'SERVER_ERROR';
  const reason = code ? `${code}: ${plainMessage(e)}` : String(e?.message ?? err);
  return new IntegrationError(category, `${doing} failed (${reason})`, { provider: code ? { code, message: plainMessage(e) } : undefined, cause: err });
}

/** Node puts the code and syscall in front of its messages; keep what a person reads. */
function plainMessage(e: NodeJS.ErrnoException): string {
  return (e.message ?? '').replace(/^[A-Z]+: /, '');
}

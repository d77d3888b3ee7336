/**
 * Runs `fn` with a signal that aborts when the caller's signal does or when
 * `timeoutMs` passes; on the deadline the call rejects with `onTimeout()`
 * (which is also the abort reason the adapter sees). Health checks and
 * self-tests share it so a stalled provider can never hang a command.
 */
export async function withDeadline<T>(
  timeoutMs: number,
  outer: AbortSignal | undefined,
  onTimeout: () => Error,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = onTimeout();
        // Settle first: an adapter that rejects on abort must not win the race with its own "aborted".
        reject(err);
        controller.abort(err);
      }, timeoutMs);
    });
    return await Promise.race([fn(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

/** The error withDeadline rejects with, recognisable by callers that report a timeout their own way. */
export class DeadlineExceeded extends Error {
  constructor(readonly timeoutMs: number, what: string) {
    super(`${what} timed out after ${timeoutMs} ms`);
    this.name = 'DeadlineExceeded';
  }
}

import { describe, expect, it } from 'vitest';
import { DeadlineExceeded, withDeadline } from '../../src/core/deadline.js';

describe('withDeadline', () => {
  it('returns what the call returns in time', async () => {
    await expect(withDeadline(1000, undefined, () => new DeadlineExceeded(1000, 'x'), async () => 42)).resolves.toBe(42);
  });

  it('rejects with the timeout error, not the "aborted" of a call that rejects on abort, and aborts its signal', async () => {
    let seen: AbortSignal | undefined;
    const stuck = (signal: AbortSignal) =>
      new Promise<never>((_, reject) => {
        seen = signal;
        signal.addEventListener('abort', () => reject(new Error('aborted')));
      });
    const err = await withDeadline(5, undefined, () => new DeadlineExceeded(5, 'health check'), stuck).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceeded);
    expect((err as Error).message).toBe('health check timed out after 5 ms');
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBe(err);
  });

  it("passes the caller's abort through to the call", async () => {
    const outer = new AbortController();
    const pending = withDeadline(60_000, outer.signal, () => new DeadlineExceeded(60_000, 'x'), (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))));
    outer.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
  });
});

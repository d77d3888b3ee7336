import type { StoredEvent } from '../store/webhook-types.js';

interface Waiter {
  match: (event: StoredEvent) => boolean;
  resolve: (event: StoredEvent) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Listens to the daemon's dispatcher (its onEvent hook: an event is handed
 * over once it and its webhook's `processed` status are stored) and lets a
 * step wait for a particular event, bounded, instead of sleeping: the wait
 * ends the moment the event exists, or fails at the bound.
 */
export class EventWaiter {
  private readonly seen: StoredEvent[] = [];
  private readonly waiters = new Set<Waiter>();
  private closed = false;

  /** The daemon's onEvent listener. */
  readonly record = (event: StoredEvent): void => {
    this.seen.push(event);
    for (const waiter of this.waiters) {
      if (!waiter.match(event)) continue;
      this.settle(waiter);
      waiter.resolve(event);
    }
  };

  /** The first event (already seen, or still to come) that matches; rejects after `timeoutMs` naming `what`. */
  waitFor(what: string, match: (event: StoredEvent) => boolean, timeoutMs: number): Promise<StoredEvent> {
    const earlier = this.seen.find(match);
    if (earlier) return Promise.resolve(earlier);
    if (this.closed) return Promise.reject(new Error(`stopped waiting for ${what}`));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.settle(waiter);
          reject(new Error(`${what} did not arrive within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Ends every wait still open (the demo is shutting down). */
  close(): void {
    this.closed = true;
    for (const waiter of [...this.waiters]) {
      this.settle(waiter);
      waiter.reject(new Error('stopped waiting: the demo is shutting down'));
    }
  }

  private settle(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
  }
}

import type { RunningSimulator, SimulatorOptions } from './adapter.js';
import { systemClock, type Clock } from './clock.js';
import { SimulatorServer, type Fault, type RecordedRequest } from './simulator.js';

/**
 * The half every adapter's HTTP simulator shares, so each one holds only its
 * provider: the SimulatorServer it routes on, the injected clock, listening
 * on loopback, what tests read (recorded requests) and script (faults), and
 * the callbacks it makes after answering, tracked so that idle() can wait
 * for them and close() does not leave them running.
 */
export abstract class ProviderSimulator implements RunningSimulator {
  readonly server = new SimulatorServer();
  url = '';
  config: Record<string, unknown> = {};
  protected readonly clock: Clock;
  /** Requests under this path are the provider's API: received('/x') means received(apiPrefix + '/x'). */
  protected readonly apiPrefix: string = '';
  private readonly address: { host: string; port: number };
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(options: SimulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.address = { host: options.host ?? '127.0.0.1', port: options.port ?? 0 };
  }

  /** What depends on the URL (config, default callback URLs, webhook settings), once it is known. */
  protected abstract onListening(url: string): void;

  /** Listens (a free port on 127.0.0.1 unless the options named one). */
  async start(): Promise<this> {
    this.url = await this.server.listen(this.address.port, this.address.host);
    this.onListening(this.url);
    return this;
  }

  /** Stops listening (ending stalled answers), then waits for callbacks still being posted. */
  async close(): Promise<void> {
    await this.server.close();
    await this.idle();
  }

  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  /** Recorded requests to a path under the API prefix, or whose whole path matches a pattern. */
  received(path: string | RegExp): RecordedRequest[] {
    return this.server.received(typeof path === 'string' ? this.apiPrefix + path : path);
  }

  /** The next `times` requests (matching `match`) get this fault instead of being processed, with the provider's error body unless the fault names one. */
  failNext(fault: Fault, times = 1, match?: RegExp): this {
    const shaped: Fault =
      fault.kind === 'status' ? { ...fault, body: fault.body ?? this.errorBody(fault.status) } : fault.kind === 'rate-limit' ? { ...fault, body: fault.body ?? this.errorBody(429) } : fault;
    this.server.failNext(shaped, times, match);
    return this;
  }

  /** Resolves once every callback scheduled so far (and any it scheduled in turn) has been made or has failed. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** The body the provider sends with an error status; undefined leaves SimulatorServer's generic one. */
  protected errorBody(_status: number): unknown {
    return undefined;
  }

  /** Work already running (a callback being posted), tracked for idle() and close(); returned as it is. */
  protected track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  /**
   * Runs `work` once the current request has been answered (and after
   * `delayMs` on the clock), as providers call back; a failure is dropped,
   * as a provider drops a callback it could not make.
   */
  protected later(work: () => Promise<unknown>, delayMs = 0): void {
    void this.track(
      (async () => {
        await new Promise((resolve) => setImmediate(resolve));
        if (delayMs) await this.clock.sleep(delayMs);
        await work();
      })().catch(() => undefined),
    );
  }
}

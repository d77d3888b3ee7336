import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * The common half of every provider simulator: a real node:http server on
 * loopback that records what it received and can be scripted to fail the
 * next N requests. Each adapter's simulator adds its provider's routes.
 */

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: Buffer;
  text: string;
  /** Parsed JSON or form body, when it is one. */
  parsed?: unknown;
  receivedAt: number;
  /** Set when the body was larger than the server's recordBodyLimit: its length (body and text are then empty). */
  bodyBytes?: number;
}

export type Fault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'rate-limit'; retryAfterSeconds: number; body?: unknown }
  /** Hold the request open without answering, past any client timeout. */
  | { kind: 'stall' }
  /** Read the request, then destroy the socket without a response. */
  | { kind: 'drop' };

export interface SimRequest extends RecordedRequest {
  params: Record<string, string>;
}

export interface SimReply {
  status?: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON. */
  body?: unknown;
}

export type SimHandler = (req: SimRequest, raw: IncomingMessage, res: ServerResponse) => SimReply | void | Promise<SimReply | void>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: SimHandler;
}

export class SimulatorServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];
  private readonly faults: { fault: Fault; remaining: number; match?: RegExp }[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly stalled = new Set<ServerResponse>();
  private server?: Server;
  url = '';
  /** Bodies larger than this are handed to the route but not kept in `requests` (a simulator taking gigabytes keeps its memory flat). */
  recordBodyLimit = Infinity;

  /** Adds a route; `:name` segments become params, and a final `:name*` takes the rest of the path, slashes included (S3 keys). */
  route(method: string, path: string, handler: SimHandler): this {
    const keys: string[] = [];
    const pattern = new RegExp(
      '^' +
        path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)(\*?)/g, (_, k: string, rest: string) => {
          keys.push(k);
          return rest ? '(.+)' : '([^/]+)';
        }) +
        '$',
    );
    this.routes.push({ method: method.toUpperCase(), pattern, keys, handler });
    return this;
  }

  /** The next `times` requests (optionally only those whose path matches) get this fault instead of a real answer. */
  failNext(fault: Fault, times = 1, match?: RegExp): this {
    this.faults.push({ fault, remaining: times, match });
    return this;
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Recorded requests to a path (exact, or a pattern). */
  received(path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    this.url = `http://${host}:${addr.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const res of this.stalled) res.destroy();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(raw: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of raw) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(raw.url ?? '/', 'http://sim');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const large = body.length > this.recordBodyLimit;
    const text = large ? '' : body.toString('utf8');
    const recorded: RecordedRequest = {
      method: raw.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
      text,
      parsed: parseBody(text, headers['content-type']),
      receivedAt: Date.now(),
    };
    this.requests.push(large ? { ...recorded, body: Buffer.alloc(0), bodyBytes: body.length } : recorded);

    const faultIndex = this.faults.findIndex((f) => !f.match || f.match.test(recorded.path));
    if (faultIndex >= 0) {
      const entry = this.faults[faultIndex];
      if (--entry.remaining <= 0) this.faults.splice(faultIndex, 1);
      return this.applyFault(entry.fault, res);
    }

    for (const route of this.routes) {
      if (route.method !== recorded.method && route.method !== '*') continue;
      const m = route.pattern.exec(recorded.path);
      if (!m) continue;
      const params = Object.fromEntries(route.keys.map((k, i) => [k, decodeURIComponent(m[i + 1])]));
      try {
        const reply = await route.handler({ ...recorded, params }, raw, res);
        if (reply && !res.headersSent) send(res, reply);
      } catch (err) {
        if (!res.headersSent) send(res, { status: 500, body: { error: 'simulator error', message: (err as Error).message } });
      }
      return;
    }
    send(res, { status: 404, body: { error: 'not found', path: recorded.path } });
  }

  private applyFault(fault: Fault, res: ServerResponse): void {
    switch (fault.kind) {
      case 'status':
        return send(res, { status: fault.status, headers: fault.headers, body: fault.body ?? { error: `simulated ${fault.status}` } });
      case 'rate-limit':
        return send(res, { status: 429, headers: { 'retry-after': String(fault.retryAfterSeconds) }, body: fault.body ?? { error: 'Too Many Requests' } });
      case 'stall':
        this.stalled.add(res);
        res.on('close', () => this.stalled.delete(res));
        return;
      case 'drop':
        res.socket?.destroy();
        return;
    }
  }
}

export function send(res: ServerResponse, reply: SimReply): void {
  const isRaw = typeof reply.body === 'string' || Buffer.isBuffer(reply.body);
  const payload = reply.body === undefined ? '' : isRaw ? (reply.body as string | Buffer) : JSON.stringify(reply.body);
  const headers = { ...(isRaw || reply.body === undefined ? {} : { 'content-type': 'application/json' }), ...reply.headers };
  res.writeHead(reply.status ?? 200, headers);
  res.end(payload);
}

function parseBody(text: string, contentType = ''): unknown {
  if (!text) return undefined;
  try {
    if (contentType.includes('json')) return JSON.parse(text);
    if (contentType.includes('x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  } catch {
    return undefined;
  }
  return undefined;
}

/** POSTs a callback the way a provider would; resolves with the receiver's status (0 when unreachable). */
export async function postCallback(url: string, body: string, headers: Record<string, string>): Promise<number> {
  try {
    const res = await fetch(url, { method: 'POST', body, headers });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** A callback a simulator posted, as tests read it back. */
export interface PostedCallback {
  url: string;
  /** The receiver's HTTP status; 0 when it could not be reached. */
  status: number;
  body: string;
  headers: Record<string, string>;
}

/** postCallback(), answering with what was sent beside the receiver's status. */
export async function deliverCallback(url: string, body: string, headers: Record<string, string>): Promise<PostedCallback> {
  return { url, status: await postCallback(url, body, headers), body, headers };
}

/**
 * Answers a simulator loses after carrying the request out: held open past
 * any client timeout (`stall`) or cut by closing the connection (`drop`).
 * The ambiguous outcome an unsafe operation must reconcile; unlike a Fault,
 * the provider did the work.
 */
export class LostAnswers {
  private readonly pending: ('stall' | 'drop')[] = [];

  add(kind: 'stall' | 'drop', times = 1): void {
    for (let i = 0; i < times; i++) this.pending.push(kind);
  }

  /** The reply to send, or nothing when this answer is the next one to lose (close() ends a stalled one). */
  apply(reply: SimReply, res: ServerResponse): SimReply | undefined {
    const lost = this.pending.shift();
    if (lost === 'drop') res.socket?.destroy();
    return lost ? undefined : reply;
  }
}

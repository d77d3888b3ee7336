/**
 * A subscriber's endpoint on 127.0.0.1:0 whose answer can be changed
 * mid-test (200, 500, 429 with Retry-After, hang), verifying every request
 * with the official `standardwebhooks` package at the sender's clock, and
 * helpers to store real events.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { vi } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import type { EventInput, StoredEvent } from '../../src/store/webhook-types.js';

export const SUB_SECRET = `whsec_${Buffer.alloc(32, 42).toString('base64')}`;

export type Answer =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Never answer until released (or the connection closes). */
  | { kind: 'hang' };

export interface Received {
  headers: Record<string, string>;
  body: string;
  /** What the official package returned, or its error. */
  verified: unknown;
  verifyError: string | null;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Answer every request from now on like this. */
  answer(answer: Answer): void;
  /** Resolves with the next request to arrive (as soon as it is read). */
  nextRequest(): Promise<Received>;
  close(): Promise<void>;
}

/** Verifies at `clock.now()`: the sender signs with its (virtual) clock, and the package checks the timestamp against Date.now(). */
function verifyAt(clock: Clock, secret: string, body: string, headers: Record<string, string>): { verified: unknown; verifyError: string | null } {
  vi.useFakeTimers({ toFake: ['Date'], now: clock.now() });
  try {
    return { verified: new Webhook(secret).verify(body, headers), verifyError: null };
  } catch (error) {
    return { verified: undefined, verifyError: (error as Error).message };
  } finally {
    vi.useRealTimers();
  }
}

export async function startReceiver(options: { clock: Clock; secret?: string; path?: string }): Promise<Receiver> {
  const secret = options.secret ?? SUB_SECRET;
  let current: Answer = { kind: 'status', status: 200, body: 'ok' };
  const received: Received[] = [];
  const hanging = new Set<ServerResponse>();
  let waiters: ((r: Received) => void)[] = [];

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const entry: Received = { headers, body, ...verifyAt(options.clock, secret, body, headers) };
      received.push(entry);
      for (const wake of waiters.splice(0)) wake(entry);
      const answer = current;
      if (answer.kind === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${options.path ?? '/hooks'}`,
    received,
    answer(answer) {
      current = answer;
    },
    nextRequest() {
      return new Promise((resolve) => waiters.push(resolve));
    },
    async close() {
      waiters = [];
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function tempStorePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'integrations-outbound-')), 'store.db');
}

let ref = 0;

/** Stores events as the dispatcher does: a received webhook settled as processed with these events. */
export async function storeEvents(store: SqliteStore, integration: string, events: EventInput[], now: number): Promise<StoredEvent[]> {
  ref += 1;
  const [outcome] = await store.webhooks.commit({
    deliveries: [
      {
        integration,
        eventId: `evt_${ref}_${now}`,
        receivedAt: now,
        method: 'POST',
        path: `/webhooks/${integration}`,
        query: {},
        headers: {},
        sourceIp: '127.0.0.1',
        body: Buffer.from('{}'),
      },
    ],
    rejections: [],
  });
  const [stored] = await store.webhooks.settle([{ id: outcome.id, at: now, ok: true, events }]);
  return stored;
}

export const paymentSucceeded = (over: Partial<EventInput> = {}): EventInput => ({
  type: 'payment.succeeded',
  externalId: 'ws_CO_1',
  occurredAt: '2026-01-02T03:04:05Z',
  data: { amount: 100, currency: 'KES' },
  ...over,
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback payment provider that honours idempotency keys: the first
 * request with a key has the effect, later ones replay its answer. It
 * records every request per key, so a test can tell "sent again" from
 * "took effect twice".
 */
export interface FakeProvider {
  url: string;
  /** Requests received, per idempotency key. */
  requests: Map<string, number>;
  /** Effects (charges created), per idempotency key. */
  effects: Map<string, number>;
  /** Messages received, by reference (POST /messages; a reference starting "stall" gets no answer). */
  messages: Map<string, number>;
  total(): number;
  /** The next `count` charge requests are answered with this status (and headers), without effect. */
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

export async function startFakeProvider(latencyMs = 1): Promise<FakeProvider> {
  const requests = new Map<string, number>();
  const effects = new Map<string, number>();
  const answers = new Map<string, string>();
  const messages = new Map<string, number>();
  const faults: { status: number; headers: Record<string, string> }[] = [];
  let total = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url?.startsWith('/messages')) return message(req.method ?? 'GET', req.url, Buffer.concat(chunks), res);
      const key = String(req.headers['idempotency-key'] ?? '');
      total++;
      requests.set(key, (requests.get(key) ?? 0) + 1);
      const fault = faults.shift();
      if (fault) return void res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers }).end('{"error":"scripted"}');
      const charge = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { amount?: number };
      if (typeof charge.amount === 'number' && charge.amount < 0) {
        return void res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"amount must be positive"}');
      }
      setTimeout(() => {
        let answer = answers.get(key);
        if (answer === undefined) {
          effects.set(key, (effects.get(key) ?? 0) + 1);
          answer = JSON.stringify({ id: `ch_${effects.size}`, status: 'succeeded' });
          answers.set(key, answer);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
      }, latencyMs);
    });
  });
  function message(method: string, url: string, body: Buffer, res: import('node:http').ServerResponse): void {
    if (method === 'GET') {
      const reference = decodeURIComponent(url.slice('/messages/'.length));
      if (!messages.has(reference)) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `msg_${reference}`, status: 'sent' }));
    }
    const { reference } = JSON.parse(body.toString('utf8')) as { reference: string };
    messages.set(reference, (messages.get(reference) ?? 0) + 1);
    // The message goes out but the answer never comes back: the caller cannot know.
    if (reference.startsWith('stall')) return;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `msg_${reference}`, status: 'sent' }));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    effects,
    messages,
    total: () => total,
    failNext(count, status, headers = {}) {
      for (let i = 0; i < count; i++) faults.push({ status, headers });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

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
  total(): number;
  close(): Promise<void>;
}

export async function startFakeProvider(latencyMs = 1): Promise<FakeProvider> {
  const requests = new Map<string, number>();
  const effects = new Map<string, number>();
  const answers = new Map<string, string>();
  let total = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const key = String(req.headers['idempotency-key'] ?? '');
      total++;
      requests.set(key, (requests.get(key) ?? 0) + 1);
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    effects,
    total: () => total,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

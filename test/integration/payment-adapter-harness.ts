/**
 * Shared by every adapter's tests (it began with the payment adapters):
 * an adapter's operations run with a real context (real SQLite-backed
 * cache, real HTTP client) against its simulator, directly or through the
 * executor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AdapterContext, AdapterDefinition, InboundWebhook } from '../../src/core/adapter.js';
import type { Clock } from '../../src/core/clock.js';
import type { LoadedConfig, ResolvedIntegration } from '../../src/config/types.js';
import { buildContext } from '../../src/core/context.js';
import { createExecutor } from '../../src/core/executor.js';
import { AdapterRegistry } from '../../src/core/registry.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { createVerifier } from '../../src/webhooks/verify/verify.js';
import type { WebhookSettings } from '../../src/config/types.js';
import { testConfig } from '../support/loaded-config.js';

export interface Harness {
  store: SqliteStore;
  integration: ResolvedIntegration;
  ctx(overrides?: Partial<AdapterContext>): AdapterContext<any>;
  /** Validates input, runs the operation, validates its output: what the executor does, minus retries. */
  run<T = any>(operation: string, input: unknown): Promise<T>;
  executor: ReturnType<typeof createExecutor>;
  close(): Promise<void>;
}

export function harness(adapter: AdapterDefinition, config: Record<string, unknown>, options: { clock: Clock; timeoutMs?: number; maxAttempts?: number }): Harness {
  const dir = mkdtempSync(join(tmpdir(), `adapter-${adapter.name}-`));
  const store = SqliteStore.open(join(dir, 'store.db'));
  const integration: ResolvedIntegration = {
    name: `${adapter.name}-test`,
    adapter: adapter.name,
    enabled: true,
    config: adapter.config.parse(config) as Record<string, unknown>,
    retry: { maxAttempts: options.maxAttempts ?? 3, baseDelayMs: 100, maxDelayMs: 2_000 },
    timeoutMs: options.timeoutMs ?? 5_000,
    circuit: { consecutiveFailures: 5, windowMs: 60_000, minimumCalls: 5, cooldownMs: 30_000 },
    queueOnFailure: false,
    sensitive: [],
  };
  const loaded: LoadedConfig = testConfig(dir, [integration], { file: 'integrations.config.ts' });
  // An empty adapters folder: only the adapter under test is known.
  const registry = new AdapterRegistry({ adaptersDir: join(dir, 'no-adapters') });
  registry.register(adapter);
  const ctx = (overrides: Partial<AdapterContext> = {}): AdapterContext<any> => ({
    ...buildContext({
      integration,
      adapter,
      store,
      clock: options.clock,
      baseDir: dir,
      idempotencyKey: randomUUID(),
      correlationId: randomUUID(),
      signal: new AbortController().signal,
    }),
    ...overrides,
  });
  return {
    store,
    integration,
    ctx,
    async run(operation, input) {
      const op = adapter.operations[operation];
      const out = await op.run(ctx(), op.input.parse(input));
      return op.output.parse(out);
    },
    executor: createExecutor({ config: loaded, registry, store, clock: options.clock, random: () => 0.5 }),
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A webhook as the daemon hands it to the adapter's parser. */
export function inbound(body: string | Buffer, init: { method?: string; path?: string; headers?: Record<string, string>; query?: Record<string, string> } = {}): InboundWebhook {
  return {
    method: init.method ?? 'POST',
    path: init.path ?? '/webhooks/test',
    query: init.query ?? {},
    headers: init.headers ?? { 'content-type': 'application/json' },
    rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
    receivedAt: Date.now(),
  };
}

/** A loopback receiver that records what providers post to it. */
export async function receiver(): Promise<{ url: string; received: { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string }[]; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const received: { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type Receiver = Awaited<ReturnType<typeof receiver>>;

/** A request the receiver recorded, as the daemon would hand it to the adapter's verifier and parser. */
export function inboundFrom(r: Receiver['received'][number], receivedAt: number): InboundWebhook {
  const u = new URL(r.url, 'http://receiver');
  return { method: r.method, path: u.pathname, query: Object.fromEntries(u.searchParams), headers: flatHeaders(r.headers), rawBody: Buffer.from(r.body), sourceIp: '127.0.0.1', receivedAt };
}

/** The daemon's verifier for the adapter's declared scheme with one secret: does a delivery pass? */
export function verifiedByEngine(adapter: AdapterDefinition, secret: string, req: InboundWebhook): boolean {
  const settings = { ...adapter.webhook!.verification, secrets: [secret], toleranceSeconds: 300, allowIps: [] } as WebhookSettings;
  return createVerifier(settings)(req, { now: Date.now() }).ok;
}

/** Node's incoming headers as the daemon hands them on: lower-cased names, string values. */
export function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

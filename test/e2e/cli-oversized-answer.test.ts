import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, parseJson, tempProject, writeJsonConfig } from './cli-harness.js';

/**
 * A provider answering far more than any real answer (issue 11 §7): the
 * client stops at the integration's maxResponseBytes, drops the connection
 * and fails clearly; an unsafe operation whose answer was cut is
 * OUTCOME_UNKNOWN (the request was sent) and is not sent again.
 */
const CAP = 64 * 1024;
const CHUNK = Buffer.alloc(16 * 1024, 0x20);
/** Stops the endless answer should the client never hang up, so a failing test still ends. */
const SAFETY_LIMIT = 64 * 1024 * 1024;

let server: Server;
let baseUrl: string;
const seen: { method: string; path: string; sent: number; cut: boolean }[] = [];

beforeAll(async () => {
  assertBuilt();
  server = createServer((req, res) => {
    req.resume();
    const record = { method: req.method ?? '', path: req.url ?? '', sent: 0, cut: false };
    seen.push(record);
    res.on('close', () => (record.cut = !res.writableFinished));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"pad":"');
    const pump = () => {
      while (!res.destroyed && record.sent < SAFETY_LIMIT) {
        record.sent += CHUNK.length;
        if (!res.write(CHUNK)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end('"}');
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function project(maxResponseBytes?: number): string {
  const dir = tempProject('integrations-oversized-');
  writeJsonConfig(dir, {
    store: { path: 'store.db' },
    integrations: {
      sms: {
        adapter: 'africastalking',
        ...(maxResponseBytes === undefined ? {} : { maxResponseBytes }),
        retry: { maxAttempts: 1 },
        config: { username: 'sandbox', apiKey: 'at-test-key-0123456789', baseUrl },
      },
    },
  });
  return dir;
}

describe('an oversized provider answer', () => {
  it('fails a safe operation with SERVER_ERROR naming maxResponseBytes, having read little and dropped the connection', async () => {
    seen.length = 0;
    const result = await cli(['run', 'sms', 'balance', '--json'], { cwd: project(CAP) });
    expect(result.code).toBe(5);
    const { error } = parseJson<{ error: { category: string; message: string } }>(result.stdout);
    expect(error.category).toBe('SERVER_ERROR');
    expect(error.message).toMatch(new RegExp(`more than ${CAP} bytes \\(maxResponseBytes\\)`));
    expect(seen).toHaveLength(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen[0].cut).toBe(true);
    expect(seen[0].sent).toBeLessThan(SAFETY_LIMIT);
  });

  it('makes an unsafe send whose answer was cut OUTCOME_UNKNOWN, sent once', async () => {
    seen.length = 0;
    const result = await cli(['run', 'sms', 'send', '--payload', JSON.stringify({ to: ['+254712345678'], message: 'hello' }), '--json'], { cwd: project(CAP) });
    const { error } = parseJson<{ error: { category: string; message: string } }>(result.stdout);
    expect(error.category).toBe('OUTCOME_UNKNOWN');
    expect(error.message).toMatch(/maxResponseBytes/);
    expect(result.code).toBe(6);
    expect(seen.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('caps at 8 MiB by default', async () => {
    seen.length = 0;
    const result = await cli(['run', 'sms', 'balance', '--json'], { cwd: project() });
    expect(parseJson<{ error: { message: string } }>(result.stdout).error.message).toMatch(/more than 8388608 bytes/);
  });
});

/**
 * Webhook ingest against the bare platform: autocannon, 50 connections, a
 * signed 1 KB JSON body (Standard Webhooks, a fresh webhook-id per request),
 * against `integrations daemon` (built CLI; verification + durable commit with
 * synchronous=FULL, group commit) and against a bare node:http server that
 * reads the body and answers 200, in the same run. Both servers run in their
 * own process; autocannon runs here. Prints req/s, p99 and the ratio.
 *
 *   npm run bench -- ingest
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { SqliteStore } from '../../src/store/sqlite/store.js';

const BIN = fileURLToPath(new URL('../../bin/integrations', import.meta.url));
const KEY = Buffer.from('bench-standard-webhooks-key-32by');
const SECRET = `whsec_${KEY.toString('base64')}`;
const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_S = 2;

const BARE_SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => { Buffer.concat(chunks); res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 }); res.end('{"ok":true}'); });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ msg: 'daemon listening', url: 'http://127.0.0.1:' + server.address().port })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/** A 1 KB JSON body with a unique id, signed as a Standard Webhooks sender would. */
function signedRequest(): { headers: Record<string, string>; body: string } {
  const id = `msg_${randomUUID()}`;
  const body = JSON.stringify({ type: 'payment.succeeded', id, data: { amount: 1000, currency: 'KES', pad: '' } });
  const padded = body.replace('"pad":""', `"pad":"${'x'.repeat(1024 - body.length)}"`);
  const ts = Math.floor(Date.now() / 1000);
  const sig = createHmac('sha256', KEY).update(`${id}.${ts}.${padded}`).digest('base64');
  return {
    body: padded,
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': `v1,${sig}` },
  };
}

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buffered += d;
      for (const line of buffered.split('\n').slice(0, -1)) {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'daemon listening' && entry.url) resolve(entry.url);
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    });
    child.once('exit', (code) => reject(new Error(`server exited early with ${code}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

interface Figures {
  rps: number;
  p99: number;
  p50: number;
  ok: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, seconds: number): Promise<Figures> {
  const result = await autocannon({
    url: `${url}/webhooks/bench`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        setupRequest: (req) => {
          const { headers, body } = signedRequest();
          return { ...req, method: 'POST', headers, body };
        },
      },
    ],
  });
  return { rps: result.requests.average, p99: result.latency.p99, p50: result.latency.p50, ok: result['2xx'], non2xx: result.non2xx, errors: result.errors };
}

async function measure(name: string, url: string): Promise<Figures & { acknowledged: number }> {
  const warm = await load(url, WARMUP_S);
  const figures = await load(url, DURATION_S);
  process.stdout.write(
    `${name.padEnd(22)} ${figures.rps.toFixed(0).padStart(7)} req/s   p50 ${String(figures.p50).padStart(3)} ms   p99 ${String(figures.p99).padStart(3)} ms   2xx ${figures.ok}  non-2xx ${figures.non2xx}  errors ${figures.errors}\n`,
  );
  return { ...figures, acknowledged: warm.ok + figures.ok };
}

export default async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'integrations-bench-ingest-'));
  writeFileSync(
    join(dir, 'integrations.config.json'),
    JSON.stringify({
      store: { path: 'store.db' },
      daemon: { host: '127.0.0.1', port: 0 },
      integrations: { bench: { adapter: 'webhook', webhook: { scheme: 'standard-webhooks', secrets: [SECRET] } } },
    }),
  );
  process.stdout.write(`${CONNECTIONS} connections, ${DURATION_S} s each after ${WARMUP_S} s warm-up, signed 1 KB JSON (standard-webhooks)\n`);

  const bare = spawn(process.execPath, ['-e', BARE_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const bareFigures = await measure('bare node:http', await waitForUrl(bare));
  await stop(bare);

  const daemon = spawn(process.execPath, [BIN, 'daemon', '--port', '0', '--log-level', 'info'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  const daemonUrl = await waitForUrl(daemon);
  const daemonFigures = await measure('integrations daemon', daemonUrl);
  const metrics = await (await fetch(`${daemonUrl}/metrics`)).text();
  await stop(daemon);

  const store = SqliteStore.open(join(dir, 'store.db'));
  const stored = store.db.prepare("SELECT count(*) AS n, coalesce(sum(status = 'processed'), 0) AS p FROM webhook_events").get() as { n: number; p: number };
  await store.close();
  // A run stores ~100k webhooks (~400 MB): not worth keeping.
  rmSync(dir, { recursive: true, force: true });
  const batchSum = Number(/integrations_webhook_commit_batch_size_sum (\S+)/.exec(metrics)?.[1]);
  const batchCount = Number(/integrations_webhook_commit_batch_size_count (\S+)/.exec(metrics)?.[1]);
  const commitSeconds = Number(/integrations_webhook_commit_seconds_sum (\S+)/.exec(metrics)?.[1]);
  const commits = Number(/integrations_webhook_commit_seconds_count (\S+)/.exec(metrics)?.[1]);

  process.stdout.write(
    `ratio daemon/bare      ${(daemonFigures.rps / bareFigures.rps).toFixed(2)} (goal >= 0.5), daemon p99 ${daemonFigures.p99} ms (goal < 10 ms)\n` +
      `acknowledged ${daemonFigures.acknowledged} (warm-up included), stored ${stored.n}, processed ${stored.p}; ` +
      `group commit: ${batchCount} transactions (synchronous=FULL), mean ${(batchSum / batchCount).toFixed(1)} deliveries and ${((commitSeconds / commits) * 1000).toFixed(2)} ms each (fsync included)\n` +
      `machine load average during the run: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores\n`,
  );
}

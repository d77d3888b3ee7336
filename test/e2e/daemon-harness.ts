import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Pool } from 'undici';
import { Webhook } from 'standardwebhooks';
import { BIN, assertBuilt, tempProject, writeJsonConfig } from './cli-harness.js';

export const SECRET = `whsec_${Buffer.from('e2e-daemon-standard-webhooks-key').toString('base64')}`;

export interface DaemonProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  port: number;
  /** Parsed stdout lines so far. */
  logs: Record<string, unknown>[];
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export const STORE_FILE = 'store.db';

/** A project folder with a JSON config: one standard-webhooks integration "hooks" on the generic adapter. */
export function daemonProject(extra: Record<string, unknown> = {}): string {
  const dir = tempProject('integrations-daemon-');
  writeJsonConfig(dir, {
    store: { path: 'store.db' },
    integrations: {
      hooks: { adapter: 'webhook', config: { eventTypePath: 'type' }, webhook: { scheme: 'standard-webhooks', secrets: [SECRET] } },
      ...extra,
    },
    daemon: { host: '127.0.0.1', port: 0, maxBodyBytes: 65_536 },
  });
  return dir;
}

/** Starts `integrations daemon` (the built CLI) and waits for its "daemon listening" log line. */
export function startDaemonProcess(dir: string, args: string[] = []): Promise<DaemonProcess> {
  assertBuilt();
  const child = spawn(process.execPath, [BIN, 'daemon', '--port', '0', ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir, LANG: 'C.UTF-8' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buffered += d;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          reject(new Error(`daemon wrote a line that is not JSON: ${line}`));
          continue;
        }
        logs.push(entry);
        if (entry.msg === 'daemon listening') resolve({ child, url: String(entry.url), port: Number(entry.port), logs, exited });
      }
    });
    void exited.then(({ code, signal }) => reject(new Error(`daemon exited early (code ${code}, signal ${signal}): ${stderr}`)));
  });
}

/** Signed Standard Webhooks headers, as the official package makes them. */
export function signedHeaders(id: string, body: string): Record<string, string> {
  const now = new Date();
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': new Webhook(SECRET).sign(id, now, body),
  };
}

export interface SendResult {
  id: string;
  status: number | null;
}

/**
 * Sends one signed delivery per id from `connections` concurrent clients;
 * a request whose connection broke reports status null. `onResult` sees each
 * answer as it comes (to kill or stop the daemon part-way).
 */
export async function sendDeliveries(url: string, ids: string[], connections: number, onResult?: (r: SendResult, done: number) => void): Promise<SendResult[]> {
  const pool = new Pool(url, { connections, pipelining: 1 });
  const results: SendResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      const body = JSON.stringify({ type: 'order.paid', id, data: { amount: 100, pad: 'x'.repeat(200) } });
      let status: number | null = null;
      try {
        const res = await pool.request({ path: '/webhooks/hooks', method: 'POST', headers: signedHeaders(id, body), body });
        status = res.statusCode;
        await res.body.dump();
      } catch {
        status = null;
      }
      const result = { id, status };
      results.push(result);
      onResult?.(result, results.length);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  await pool.destroy();
  return results;
}

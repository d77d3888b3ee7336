import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { STORE_FILE, daemonProject, startDaemonProcess, type DaemonProcess } from './daemon-harness.js';

/**
 * What the daemon's unauthenticated routes give away (issue 11 §7): /readyz
 * names no path and never stalls the process while another one holds the
 * store's write lock; listening beyond loopback is said once at start.
 */
const running: DaemonProcess[] = [];

afterEach(async () => {
  for (const daemon of running.splice(0)) {
    if (daemon.child.exitCode === null) {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
    }
  }
});

async function start(dir: string, args: string[] = []): Promise<DaemonProcess> {
  const daemon = await startDaemonProcess(dir, args);
  running.push(daemon);
  return daemon;
}

describe('/readyz while another process holds the write lock', () => {
  it('/healthz answers while /readyz is still checking; /readyz then answers 503 with a generic reason naming no path', async () => {
    const dir = daemonProject();
    const daemon = await start(dir);
    expect((await request(`${daemon.url}/readyz`)).statusCode).toBe(200);

    const holder = new Database(join(dir, STORE_FILE));
    holder.prepare('BEGIN IMMEDIATE').run();
    try {
      const order: string[] = [];
      const ready = request(`${daemon.url}/readyz`).then(async (res) => {
        order.push('readyz');
        return { status: res.statusCode, body: await res.body.text() };
      });
      const health = await request(`${daemon.url}/healthz`);
      order.push('healthz');
      expect(health.statusCode).toBe(200);
      await health.body.dump();
      const answer = await ready;
      expect(order).toEqual(['healthz', 'readyz']);
      expect(answer.status).toBe(503);
      expect(answer.body).toBe('{"error":"store not writable"}');
      expect(answer.body).not.toContain(dir);
      expect(answer.body).not.toContain(STORE_FILE);
    } finally {
      holder.prepare('ROLLBACK').run();
      holder.close();
    }
    expect((await request(`${daemon.url}/readyz`)).statusCode).toBe(200);
  });
});

describe('listening beyond loopback', () => {
  const warnings = (daemon: DaemonProcess) => daemon.logs.filter((l) => l.level === 'warn' && /beyond loopback/.test(String(l.msg)));

  it('warns once at start that /metrics and /readyz are public on a non-loopback address, and not on loopback', async () => {
    const local = await start(daemonProject());
    expect(warnings(local)).toEqual([]);

    const open = await start(daemonProject(), ['--host', '0.0.0.0']);
    expect(warnings(open)).toHaveLength(1);
    expect(String(warnings(open)[0].msg)).toMatch(/\/metrics and \/readyz answer anyone/);
    expect(warnings(open)[0].host).toBe('0.0.0.0');
  });
});

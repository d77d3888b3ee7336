import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { STORE_FILE, daemonProject, sendDeliveries, startDaemonProcess } from './daemon-harness.js';

/**
 * SIGTERM under load: the daemon stops taking connections, finishes the
 * requests in flight and their processing, and exits 0. Every 2xx is stored
 * once and processed; every other request was refused (503) or never got in.
 */
describe('daemon SIGTERM under load', () => {
  it('drains without losing anything and exits 0', async () => {
    const dir = daemonProject();
    const daemon = await startDaemonProcess(dir);
    const ids = Array.from({ length: 1500 }, (_, i) => `msg_term_${i}`);
    let signalled = false;
    const results = await sendDeliveries(daemon.url, ids, 16, (_r, done) => {
      if (!signalled && done >= 400) {
        signalled = true;
        daemon.child.kill('SIGTERM');
      }
    });
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
    expect(results.every((r) => r.status === null || r.status === 200 || r.status === 503)).toBe(true);
    const acknowledged = results.filter((r) => r.status === 200).map((r) => r.id);
    expect(acknowledged.length).toBeGreaterThanOrEqual(400);

    const store = SqliteStore.open(join(dir, STORE_FILE));
    try {
      const rows = await store.webhooks.list({});
      const stored = new Set(rows.map((r) => r.eventId));
      expect(stored.size).toBe(rows.length);
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      // Processing finished before exit: nothing left in `received`.
      expect(rows.filter((r) => r.status !== 'processed')).toEqual([]);
      expect(await store.events.list({})).toHaveLength(rows.length);
    } finally {
      await store.close();
    }
    expect(daemon.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['daemon draining', 'daemon stopped']));
  });
});

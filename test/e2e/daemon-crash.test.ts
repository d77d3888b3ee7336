import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { STORE_FILE, daemonProject, sendDeliveries, startDaemonProcess } from './daemon-harness.js';

/**
 * Nothing acknowledged is lost: 2,000 signed deliveries from 16 concurrent
 * clients while the daemon is killed with SIGKILL part-way. Every delivery
 * that got a 2xx must be in the store exactly once; after a restart and a
 * full resend (what providers do), all 2,000 are there once, and processed.
 */
describe('daemon killed with SIGKILL under load', () => {
  it('keeps every acknowledged delivery exactly once', async () => {
    const dir = daemonProject();
    const ids = Array.from({ length: 2000 }, (_, i) => `msg_crash_${i}`);

    const first = await startDaemonProcess(dir);
    let killed = false;
    const results = await sendDeliveries(first.url, ids, 16, (_r, done) => {
      if (!killed && done >= 700) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    });
    const exit = await first.exited;
    expect(exit.signal).toBe('SIGKILL');

    const acknowledged = results.filter((r) => r.status !== null && r.status >= 200 && r.status < 300).map((r) => r.id);
    expect(acknowledged.length).toBeGreaterThanOrEqual(700);
    expect(acknowledged.length).toBeLessThan(ids.length);
    // Anything answered was either 2xx or the connection broke; nothing else.
    expect(results.every((r) => r.status === null || r.status === 200)).toBe(true);

    const afterCrash = SqliteStore.open(join(dir, STORE_FILE));
    const stored = await afterCrash.webhooks.list({});
    await afterCrash.close();
    const storedIds = stored.map((w) => w.eventId);
    expect(new Set(storedIds).size).toBe(storedIds.length);
    const storedSet = new Set(storedIds);
    expect(acknowledged.filter((id) => !storedSet.has(id))).toEqual([]);

    // Restart: rows left in `received` are processed; the providers' retries are duplicates or new.
    const second = await startDaemonProcess(dir);
    const resent = await sendDeliveries(second.url, ids, 16);
    expect(resent.every((r) => r.status === 200)).toBe(true);
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });

    const store = SqliteStore.open(join(dir, STORE_FILE));
    try {
      const all = await store.webhooks.list({});
      expect(all).toHaveLength(ids.length);
      expect(new Set(all.map((w) => w.eventId)).size).toBe(ids.length);
      expect(all.filter((w) => w.status !== 'processed')).toEqual([]);
      const events = await store.events.list({});
      expect(events).toHaveLength(ids.length);
      expect(events.every((e) => e.type === 'hooks.order.paid')).toBe(true);
    } finally {
      await store.close();
    }
  });
});

import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { projectWithConfig, runCli } from './cli-fixture.js';

const GIVEN_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const opened: SqliteStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

function project() {
  const cwd = projectWithConfig({ store: { path: 'store.db' }, integrations: {} });
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  const cli = (...argv: string[]) => runCli(argv, { cwd, clock });
  const store = () => {
    const s = SqliteStore.open(join(cwd, 'store.db'));
    opened.push(s);
    return s;
  };
  return { cwd, clock, cli, store };
}

describe('webhooks subscribe / subscriptions', () => {
  it('creates a subscription, shows a generated secret once, and never in the list', async () => {
    const { cli } = project();
    const created = await cli('webhooks', 'subscribe', '--url', 'https://example.com/hooks', '--events', 'payment.*, sms.delivered');
    expect(created.code).toBe(0);
    const secret = /whsec_[A-Za-z0-9+/=]+/.exec(created.stdout)?.[0];
    expect(secret).toBeDefined();
    expect(created.stdout).toMatch(/subscription 1: https:\/\/example.com\/hooks receives payment\.\*, sms\.delivered/);
    expect(created.stdout).toMatch(/shown only now/);

    const list = await cli('webhooks', 'subscriptions', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/https:\/\/example.com\/hooks\s+payment\.\*,sms\.delivered/);
    const json = await cli('--json', 'webhooks', 'subscriptions', 'list');
    expect(JSON.parse(json.stdout)).toEqual([
      { id: 1, url: 'https://example.com/hooks', events: ['payment.*', 'sms.delivered'], description: null, createdAt: '2026-01-01T12:00:00.000Z' },
    ]);
    for (const out of [list, json]) expect(out.stdout + out.stderr).not.toContain(secret!.slice(6));
  });

  it('gives the secret in --json of subscribe, and does not echo a secret that was given', async () => {
    const { cli } = project();
    const json = await cli('--json', 'webhooks', 'subscribe', '--url', 'https://a.example/x', '--events', '*', '--secret', GIVEN_SECRET, '--description', 'billing');
    expect(JSON.parse(json.stdout)).toMatchObject({ id: 1, events: ['*'], description: 'billing', secret: GIVEN_SECRET });
    const human = await cli('webhooks', 'subscribe', '--url', 'https://a.example/y', '--events', '*', '--secret', GIVEN_SECRET);
    expect(human.code).toBe(0);
    expect(human.stdout).not.toContain(GIVEN_SECRET.slice(6));
    expect(human.stdout).toMatch(/the one given/);
  });

  it('refuses a bad URL, pattern or secret with a usage error that does not repeat the secret', async () => {
    const { cli } = project();
    const url = await cli('webhooks', 'subscribe', '--url', 'ftp://x', '--events', '*');
    expect(url.code).toBe(2);
    expect(url.stderr).toMatch(/only http/);
    const pattern = await cli('webhooks', 'subscribe', '--url', 'https://x.example', '--events', 'pay ment');
    expect(pattern.code).toBe(2);
    expect(pattern.stderr).toMatch(/invalid event pattern/);
    const secret = await cli('webhooks', 'subscribe', '--url', 'https://x.example', '--events', '*', '--secret', 'hunter2-plain');
    expect(secret.code).toBe(2);
    expect(secret.stderr).toMatch(/whsec_/);
    expect(secret.stderr).not.toContain('hunter2-plain');
    const missing = await cli('webhooks', 'subscribe', '--url', 'https://x.example');
    expect(missing.code).toBe(2);
  });

  it('refuses an internal endpoint unless --allow-private-network says so, and shows the allowance', async () => {
    const { cli } = project();
    const refused = await cli('webhooks', 'subscribe', '--url', 'http://169.254.169.254/latest/meta-data/', '--events', '*');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/169\.254\.169\.254 is a link-local address; pass --allow-private-network/);
    const allowed = await cli('--json', 'webhooks', 'subscribe', '--url', 'http://10.0.0.7/hooks', '--events', '*', '--allow-private-network');
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout)).toMatchObject({ url: 'http://10.0.0.7/hooks', allowPrivateNetwork: true });
    const list = await cli('webhooks', 'subscriptions', 'list');
    expect(list.stdout).toContain('http://10.0.0.7/hooks (private network allowed)');
  });

  it('removes a subscription, cancelling what waited, and refuses an unknown or removed id', async () => {
    const { cli, store } = project();
    await cli('webhooks', 'subscribe', '--url', 'https://example.com/hooks', '--events', '*');
    const s = store();
    await s.outbound.enqueue({
      deliveries: [{ subscriptionId: 1, eventId: 1, messageId: 'msg_a', eventType: 'payment.succeeded', integration: 'mpesa', payload: '{}', runAt: 0 }],
      now: 0,
    });
    const removed = await cli('webhooks', 'subscriptions', 'remove', '1', '--yes');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/subscription 1 \(https:\/\/example.com\/hooks\) removed; 1 waiting delivery cancelled/);
    const again = await cli('webhooks', 'subscriptions', 'remove', '1', '--yes');
    // Not found, as for every show/remove of an unknown id (exit 1).
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already removed/);
    expect((await cli('webhooks', 'subscriptions', 'remove', 'abc')).code).toBe(2);
    expect((await cli('webhooks', 'subscriptions', 'list')).stderr).toMatch(/no subscriptions/);
  });
});

describe('webhooks deliveries / redeliver', () => {
  async function seeded() {
    const p = project();
    await p.cli('webhooks', 'subscribe', '--url', 'https://user:pw@example.com/hooks', '--events', '*', '--secret', GIVEN_SECRET);
    const s = p.store();
    const t = p.clock.now();
    await s.outbound.enqueue({
      deliveries: [1, 2].map((eventId) => ({
        subscriptionId: 1,
        eventId,
        messageId: `msg_${eventId}`,
        eventType: eventId === 1 ? 'payment.succeeded' : 'sms.delivered',
        integration: 'mpesa',
        payload: JSON.stringify({ type: 'x', timestamp: 't', data: { eventId } }),
        runAt: t,
      })),
      now: t,
    });
    const [a, b] = await s.outbound.claim({ owner: 'w', now: t, leaseMs: 60_000, limit: 2 });
    await s.outbound.settle(a, 'w', t + 100, { status: 'failed', result: { responseStatus: 500, latencyMs: 42, responseExcerpt: 'oops', error: 'HTTP 500' } });
    await s.outbound.settle(b, 'w', t + 100, { status: 'retry', runAt: t + 5_000, result: { responseStatus: 429, latencyMs: 7, responseExcerpt: null, error: 'HTTP 429' } });
    return { ...p, failedId: a.id, pendingId: b.id };
  }

  it('lists deliveries with --status, as a table and as JSON, URL credentials masked', async () => {
    const { cli, failedId, pendingId } = await seeded();
    const table = await cli('webhooks', 'deliveries');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/payment\.succeeded\s+failed\s+1\s+HTTP 500/);
    expect(table.stdout).toMatch(/sms\.delivered\s+pending\s+1\s+2026-01-01 12:00:05Z\s+HTTP 429/);
    const json = JSON.parse((await cli('--json', 'webhooks', 'deliveries', '--status', 'failed')).stdout) as Record<string, unknown>[];
    expect(json).toEqual([
      expect.objectContaining({ id: failedId, status: 'failed', attempts: 1, lastResponseStatus: 500, messageId: 'msg_1', url: 'https://user:***@example.com/hooks', nextAttemptAt: null }),
    ]);
    const pending = JSON.parse((await cli('--json', 'webhooks', 'deliveries', '--status', 'pending')).stdout) as Record<string, unknown>[];
    expect(pending).toEqual([expect.objectContaining({ id: pendingId, nextAttemptAt: '2026-01-01T12:00:05.000Z' })]);
    expect((await cli('webhooks', 'deliveries', '--status', 'lost')).code).toBe(2);
  });

  it('shows one delivery with its attempts and payload, never the secret', async () => {
    const { cli, failedId } = await seeded();
    const shown = await cli('webhooks', 'deliveries', String(failedId));
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/#1 .* failed\s+HTTP 500 in 42 ms\s+oops/);
    expect(shown.stdout).toMatch(/webhook-id\s+msg_1/);
    expect(shown.stdout).toContain('"eventId": 1');
    expect(shown.stdout).not.toContain(GIVEN_SECRET.slice(6));
    const json = JSON.parse((await cli('--json', 'webhooks', 'deliveries', String(failedId))).stdout) as { attemptLog: unknown[]; payload: unknown };
    expect(json.attemptLog).toEqual([expect.objectContaining({ attempt: 1, outcome: 'failed', responseStatus: 500, latencyMs: 42, responseExcerpt: 'oops' })]);
    expect(json.payload).toEqual({ type: 'x', timestamp: 't', data: { eventId: 1 } });
    // Not found is exit 1, as for every show of an unknown id.
    expect((await cli('webhooks', 'deliveries', '999')).code).toBe(1);
  });

  it('redelivers by id or --failed, and reports refusals with exit 1', async () => {
    const { cli, store, failedId, pendingId, clock } = await seeded();
    const refused = await cli('webhooks', 'redeliver', String(pendingId));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already waiting to be sent/);

    clock.advance(60_000);
    const failed = await cli('webhooks', 'redeliver', '--failed', '--since', '1h');
    expect(failed.code).toBe(0);
    expect(failed.stdout).toMatch(new RegExp(`1 delivery queued again \\(${failedId}\\)`));
    expect(await store().outbound.get(failedId)).toMatchObject({ status: 'pending', attempts: 0, runAt: clock.now() });
    expect((await cli('webhooks', 'redeliver', '--failed')).stdout).toMatch(/nothing to redeliver/);

    expect((await cli('webhooks', 'redeliver')).code).toBe(2);
    expect((await cli('webhooks', 'redeliver', '1', '--failed')).code).toBe(2);
    const json = JSON.parse((await cli('--json', 'webhooks', 'redeliver', String(pendingId), '77')).stdout) as { refused: { id: number }[] };
    expect(json.refused.map((r) => r.id)).toEqual([pendingId, 77]);
  });
});

import { rmSync } from 'node:fs';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, parseJson } from './cli-harness.js';
import { daemonProject, signedHeaders, startDaemonProcess, type DaemonProcess } from './daemon-harness.js';

/**
 * Issue 10 §2, the daemon: an integration whose webhook secret comes from an
 * unset variable cannot verify anything, so its deliveries are refused (503,
 * so the provider retries) and recorded as rejected, never stored unverified;
 * the other integrations' webhooks are received as usual.
 */
let dir: string | undefined;
let daemon: DaemonProcess | undefined;

afterAll(async () => {
  if (daemon && daemon.child.exitCode === null) {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function post(url: string, body: string, headers: Record<string, string>) {
  const res = await request(url, { method: 'POST', body, headers });
  return { status: res.statusCode, retryAfter: res.headers['retry-after'], body: await res.body.text() };
}

describe('daemon with one integration\'s webhook secret unset (built CLI)', () => {
  it('starts, refuses that integration\'s deliveries (never stored unverified) and receives the others', async () => {
    dir = daemonProject({
      pay: {
        adapter: 'mpesa',
        config: {
          consumerKey: 'ck-e2e',
          consumerSecret: 'cs-e2e',
          shortcode: '174379',
          passkey: 'pk-e2e',
          callbackUrl: 'https://example.test/webhooks/pay/token',
        },
        webhook: { secrets: ['env:MPESA_CALLBACK_TOKEN'] },
      },
      // Unresolved too, but its adapter receives no webhooks: nothing changes for it here.
      keyed: { adapter: 'mock', config: { secretKey: 'env:MOCK_SECRET_KEY' } },
    });
    daemon = await startDaemonProcess(dir);
    expect(daemon.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'integration not receiving webhooks', integration: 'pay', reason: 'MPESA_CALLBACK_TOKEN is not set' }),
    );

    const callback = JSON.stringify({ Body: { stkCallback: { MerchantRequestID: 'm-1', CheckoutRequestID: 'ws_CO_1', ResultCode: 0, ResultDesc: 'ok' } } });
    for (const path of ['/webhooks/pay/any-guess', '/webhooks/pay']) {
      const refused = await post(`${daemon.url}${path}`, callback, { 'content-type': 'application/json' });
      expect(refused).toEqual({ status: 503, retryAfter: '300', body: '{"error":"integration unavailable"}' });
    }

    expect(daemon.logs.filter((l) => l.integration === 'keyed')).toEqual([]);
    expect((await post(`${daemon.url}/webhooks/keyed`, '{}', { 'content-type': 'application/json' })).status).toBe(404);

    const body = JSON.stringify({ type: 'order.paid', id: 'evt-1', data: { amount: 100 } });
    const accepted = await post(`${daemon.url}/webhooks/hooks`, body, signedHeaders('msg-1', body));
    expect(accepted.status).toBe(200);

    // A graceful stop commits what was received and rejected.
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });

    const listed = parseJson<{ integration: string }[]>((await cli(['webhooks', 'list', '--json'], { cwd: dir })).stdout);
    expect(listed.map((w) => w.integration)).toEqual(['hooks']);
    const rejections = parseJson<{ integration: string; reason: string; status: number; path: string }[]>(
      (await cli(['webhooks', 'rejections', '--json', '--since', '1h'], { cwd: dir })).stdout,
    );
    expect(rejections.map(({ integration, reason, status }) => ({ integration, reason, status }))).toEqual([
      { integration: 'pay', reason: 'integration-unresolved', status: 503 },
      { integration: 'pay', reason: 'integration-unresolved', status: 503 },
      { integration: '(unknown)', reason: 'unknown-integration', status: 404 },
    ]);
    // The guessed path token is not kept as sent.
    expect(JSON.stringify(rejections)).not.toContain('any-guess');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaystackSimulator } from '../../adapters/paystack/simulator.js';
import { startTwilioSimulator, type TwilioSimulator } from '../../adapters/twilio/simulator.js';
import { assertBuilt, cli, parseJson, tempProject, writeJsonConfig } from './cli-harness.js';

/**
 * Issue 10 §10: answers the providers' published API descriptions allow
 * (nullable fields) are normal results through the built CLI: exit 0, not
 * SERVER_ERROR (exit 5) retried.
 */
describe('integrations run, on provider answers with documented nulls', () => {
  const dir = tempProject('integrations-e2e-nulls-');
  const run = (args: string[]) => cli(args, { cwd: dir });
  let paystack: PaystackSimulator;
  let twilio: TwilioSimulator;

  beforeAll(async () => {
    assertBuilt();
    paystack = await PaystackSimulator.start();
    twilio = await startTwilioSimulator({ autoDeliver: false });
    writeJsonConfig(dir, {
      integrations: {
        ps: { adapter: 'paystack', config: paystack.config, timeoutMs: 10_000 },
        sms: { adapter: 'twilio', config: twilio.config, timeoutMs: 10_000 },
      },
    });
  });

  afterAll(async () => {
    await paystack.close();
    await twilio.close();
  });

  it('paystack query of a mobile-money payment, whose authorization.bin is null (nullable in PaystackOSS/openapi), exits 0 with the payment succeeded', async () => {
    const charge = await run(['run', 'ps', 'charge', '--payload', JSON.stringify({ amount: 25, currency: 'GHS', reference: 'momo-1', email: 'ama@example.com', channels: ['mobile_money'] }), '--json']);
    expect(charge.code, charge.stderr).toBe(0);
    await paystack.complete('momo-1');
    expect(paystack.transaction('momo-1')?.authorization?.bin).toBeNull();

    const query = await run(['run', 'ps', 'query', '--payload', '{"reference":"momo-1"}', '--json']);
    expect(query.stderr).not.toMatch(/SERVER_ERROR/);
    expect(query.code, query.stderr).toBe(0);
    const out = parseJson<{ ok: boolean; result: { status: string; channel: string; authorization: Record<string, unknown> } }>(query.stdout);
    expect(out).toMatchObject({ ok: true, result: { status: 'succeeded', channel: 'mobile_money' } });
    expect(out.result.authorization).not.toHaveProperty('bin');
    // One verify: a documented answer is not retried as a provider failure.
    expect(paystack.received('/transaction/verify/momo-1')).toHaveLength(1);
  });

  it('twilio query of a queued message (price, date_sent, error_code null) and a balance answered null exit 0', async () => {
    const send = await run(['run', 'sms', 'send', '--payload', JSON.stringify({ to: '+254711222333', message: 'hello' }), '--json']);
    expect(send.code, send.stderr).toBe(0);
    const { result } = parseJson<{ result: { sid: string } }>(send.stdout);
    const query = await run(['run', 'sms', 'query', '--payload', JSON.stringify({ sid: result.sid }), '--json']);
    expect(query.code, query.stderr).toBe(0);
    expect(parseJson<{ result: Record<string, unknown> }>(query.stdout).result).toMatchObject({ status: 'queued', outcome: 'pending' });

    twilio.failNext({ kind: 'status', status: 200, body: { account_sid: twilio.credentials.accountSid, balance: null, currency: null } }, 1, /Balance\.json$/);
    const balance = await run(['run', 'sms', 'balance', '--json']);
    expect(balance.code, balance.stderr).toBe(0);
    expect(parseJson<{ result: unknown }>(balance.stdout).result).toEqual({ balance: null, currency: null });
  });
});

import { DEMO } from '../config-file.js';
import { post } from '../post.js';
import { check, StepFailure, type DemoStep } from '../step.js';

interface ChargeResult {
  checkoutRequestId: string;
  amount: number;
  phone: string;
}

/**
 * An STK push through the executor; the simulator then calls back the URL
 * in the config, the daemon checks the path token, commits the raw
 * callback, answers, and its dispatcher turns it into payment.succeeded.
 * The same callback with a wrong token is refused.
 */
export const mpesaCharge: DemoStep = {
  name: 'mpesa-charge',
  title: 'Charge via M-Pesa (STK push) and receive its callback',
  async run(stage) {
    const { executor, store } = stage.session;
    const payload = { amount: 250, phone: '254708374149', reference: 'DEMO-1001', description: 'Demo order 1001' };
    const outcome = await executor.execute(DEMO.payments, 'charge', payload, { signal: stage.io.signal });
    if (!outcome.ok) throw new StepFailure(`the STK push failed: ${outcome.error.category}: ${outcome.error.message}`);
    const charge = outcome.result as ChargeResult;

    const event = await stage.events.waitFor(
      `the STK callback for ${charge.checkoutRequestId}`,
      (e) => e.integration === DEMO.payments && e.externalId === charge.checkoutRequestId,
      stage.waitMs,
    );
    check(event.type === 'payment.succeeded', `the callback was processed into ${event.type}, expected payment.succeeded`);
    const webhook = event.webhookId === null ? undefined : await store.webhooks.get(event.webhookId);
    check(webhook?.status === 'processed', `the callback's webhook row is ${webhook?.status ?? 'missing'}, expected processed`);

    // Replaying the genuine bytes to the right endpoint without the token must not get in.
    const forged = await post(`${stage.daemon.url}/webhooks/${DEMO.payments}/not-the-token`, webhook.body, { 'content-type': 'application/json' }, stage.waitMs);
    check(forged.status === 401, `the callback sent with a wrong path token was answered ${forged.status}, expected 401`);
    await stage.daemon.settled();
    const rejections = await store.webhooks.rejections({ integration: DEMO.payments, limit: 1 });
    check(rejections[0]?.reason === 'bad-token', `the refused callback is not in webhook rejections as bad-token (found ${rejections[0]?.reason ?? 'nothing'})`);

    const data = event.data as { receipt?: string; amount?: number; phone?: string };
    return {
      summary: `KES ${charge.amount} from ${charge.phone}: paid, receipt ${data.receipt ?? '?'}`,
      details: [
        `STK push accepted: CheckoutRequestID ${charge.checkoutRequestId} (log #${outcome.logId})`,
        `callback POSTed to the daemon at ${webhook.path}: path token verified, committed as webhook #${webhook.id}, acknowledged`,
        `processed into ${event.type} (event #${event.id})`,
        `the same callback with a wrong token: 401, kept in webhook rejections (${rejections[0].reason})`,
      ],
      data: {
        checkoutRequestId: charge.checkoutRequestId,
        webhookId: webhook.id,
        eventId: event.id,
        eventType: event.type,
        receipt: data.receipt ?? null,
        forgedStatus: forged.status,
      },
    };
  },
};

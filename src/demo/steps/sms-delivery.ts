import { DEMO } from '../config-file.js';
import { check, StepFailure, type DemoStep } from '../step.js';

interface SendResult {
  recipients: { number: string; messageId?: string; status: string; cost: string; accepted: boolean }[];
}

/** An SMS through Africa's Talking; its delivery report comes back to the daemon as sms.delivered. */
export const smsDelivery: DemoStep = {
  name: 'sms-delivery',
  title: "Send an SMS via Africa's Talking and receive its delivery report",
  async run(stage) {
    const to = '+254711000001';
    const outcome = await stage.session.executor.execute(DEMO.sms, 'send', { to: [to], message: 'Order 1001 is paid and on its way.' }, { signal: stage.io.signal });
    if (!outcome.ok) throw new StepFailure(`the send failed: ${outcome.error.category}: ${outcome.error.message}`);
    const recipient = (outcome.result as SendResult).recipients[0];
    check(recipient?.accepted && recipient.messageId, `Africa's Talking did not accept the message for ${to} (${recipient?.status ?? 'no recipient'})`);
    const messageId = recipient.messageId;

    const event = await stage.events.waitFor(
      `the delivery report for ${messageId}`,
      (e) => e.integration === DEMO.sms && e.externalId === messageId && e.type !== 'sms.sent',
      stage.waitMs,
    );
    check(event.type === 'sms.delivered', `the delivery report was processed into ${event.type}, expected sms.delivered`);
    const webhook = event.webhookId === null ? undefined : await stage.session.store.webhooks.get(event.webhookId);
    check(webhook?.status === 'processed', `the report's webhook row is ${webhook?.status ?? 'missing'}, expected processed`);

    return {
      summary: `sent to ${to}, delivered`,
      details: [
        `accepted: ${messageId}, cost ${recipient.cost} (log #${outcome.logId})`,
        `delivery report POSTed to the daemon at ${webhook.path}: token verified, committed as webhook #${webhook.id}`,
        `processed into ${event.type} (event #${event.id})`,
      ],
      data: { messageId, webhookId: webhook.id, eventId: event.id, eventType: event.type },
    };
  },
};

import type { RazorpayOrder, RazorpayPayment, RazorpayRefund } from './entities.js';

/**
 * Webhook bodies as Razorpay sends them ({entity:"event", event, contains,
 * payload:{<entity>:{entity:{…}}}, created_at}); used by the simulator and
 * by `webhooks trigger`.
 */
export function eventBody(
  event: string,
  entities: { payment?: RazorpayPayment; order?: RazorpayOrder; refund?: RazorpayRefund },
  createdAt: number,
  accountId = 'acc_SimulatorAcct01',
): Record<string, unknown> {
  const contains = (['refund', 'payment', 'order'] as const).filter((k) => entities[k]);
  const payload = Object.fromEntries(contains.map((k) => [k, { entity: entities[k] }]));
  return { entity: 'event', account_id: accountId, event, contains, payload, created_at: createdAt };
}

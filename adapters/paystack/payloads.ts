import type { PaystackTransaction } from './transaction.js';

/** Webhook bodies as Paystack sends them ({event, data}); used by the simulator and by `webhooks trigger`. */
export function chargeSuccess(tx: PaystackTransaction): Record<string, unknown> {
  return {
    event: 'charge.success',
    data: {
      id: tx.id,
      domain: tx.domain ?? 'test',
      status: tx.status,
      reference: tx.reference,
      amount: tx.amount,
      message: null,
      gateway_response: tx.gateway_response ?? 'Successful',
      paid_at: tx.paid_at,
      created_at: tx.created_at,
      channel: tx.channel ?? 'card',
      currency: tx.currency,
      ip_address: '41.58.97.21',
      metadata: 0,
      fees: tx.fees ?? null,
      customer: { id: tx.customer?.id ?? 1, first_name: null, last_name: null, email: tx.customer?.email, customer_code: tx.customer?.customer_code, phone: null, metadata: null, risk_action: 'default' },
      authorization: tx.authorization
        ? { channel: tx.channel ?? 'card', ...tx.authorization, country_code: 'NG', account_name: null }
        : null,
      plan: {},
    },
  };
}

export interface RefundNotice {
  id: number;
  status: 'pending' | 'processing' | 'processed' | 'failed';
  transactionReference: string;
  amount: number;
  currency: string;
  customerEmail?: string;
}

/** refund.pending / refund.processing / refund.processed / refund.failed; Paystack sends the amount as a string here. */
export function refundEvent(r: RefundNotice): Record<string, unknown> {
  return {
    event: `refund.${r.status}`,
    data: {
      status: r.status,
      transaction_reference: r.transactionReference,
      refund_reference: r.status === 'processed' ? `RFN${r.id}` : null,
      amount: String(r.amount),
      currency: r.currency,
      processor: 'mpgs_zen',
      customer: { first_name: null, last_name: null, email: r.customerEmail ?? null },
      integration: 412829,
      domain: 'test',
      id: String(r.id),
    },
  };
}

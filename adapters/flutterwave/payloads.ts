/**
 * Webhook bodies as Flutterwave sends them, built from one transaction
 * record: used by the simulator and by `webhooks trigger` (sample), so both
 * exercise the parser with the provider's real shapes (providers.md §2).
 */
export interface TransactionRecord {
  id: number;
  txRef: string;
  flwRef: string;
  amount: number;
  currency: string;
  status: 'successful' | 'failed' | 'pending';
  paymentType: string;
  createdAt: string;
  customer: { id: number; email: string; name?: string; phone?: string };
}

/** The v3 envelope. `charge.completed` also fires for failures: the outcome is `data.status`. */
export function chargeCompletedV3(tx: TransactionRecord): Record<string, unknown> {
  return {
    event: 'charge.completed',
    data: {
      id: tx.id,
      tx_ref: tx.txRef,
      flw_ref: tx.flwRef,
      device_fingerprint: 'N/A',
      amount: tx.amount,
      currency: tx.currency,
      charged_amount: tx.amount,
      app_fee: Math.round(tx.amount * 1.4) / 100,
      merchant_fee: 0,
      processor_response: tx.status === 'successful' ? 'Approved' : 'Declined',
      auth_model: 'PIN',
      ip: '197.210.64.96',
      narration: tx.paymentType === 'card' ? 'CARD Transaction ' : null,
      status: tx.status,
      payment_type: tx.paymentType,
      created_at: tx.createdAt,
      account_id: 17321,
      customer: { id: tx.customer.id, name: tx.customer.name ?? 'Anonymous customer', phone_number: tx.customer.phone ?? null, email: tx.customer.email, created_at: tx.createdAt },
      // Only a card payment carries `card`; bank transfer, mobile money and USSD answer without it.
      ...(tx.paymentType === 'card' ? { card: { first_6digits: '553188', last_4digits: '2950', issuer: 'MASTERCARD  CREDIT', country: 'NG', type: 'MASTERCARD', expiry: '09/32' } } : {}),
    },
    'event.type': eventType(tx.paymentType),
  };
}

/** The older flat shape (camelCase ids at the top level, no `event`). */
export function legacyCharge(tx: TransactionRecord): Record<string, unknown> {
  return {
    id: tx.id,
    txRef: tx.txRef,
    flwRef: tx.flwRef,
    orderRef: `URF_${tx.id}`,
    paymentPlan: null,
    createdAt: tx.createdAt,
    amount: tx.amount,
    charged_amount: tx.amount,
    status: tx.status,
    IP: '197.210.64.96',
    currency: tx.currency,
    customer: {
      id: tx.customer.id,
      phone: tx.customer.phone ?? null,
      fullName: tx.customer.name ?? 'Anonymous customer',
      customertoken: null,
      email: tx.customer.email,
      createdAt: tx.createdAt,
      AccountId: 17321,
    },
    entity: tx.paymentType === 'card' ? { card6: '553188', card_last4: '2950' } : {},
    'event.type': eventType(tx.paymentType),
  };
}

function eventType(paymentType: string): string {
  if (paymentType === 'card') return 'CARD_TRANSACTION';
  if (paymentType.startsWith('mobilemoney')) return 'MOBILEMONEY_TRANSACTION';
  if (paymentType === 'ussd') return 'USSD_TRANSACTION';
  return 'BANK_TRANSFER_TRANSACTION';
}

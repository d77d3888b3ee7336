/**
 * The webhook body WhatsApp POSTs (providers.md §6): one `messages` change
 * carrying statuses of sent messages or inbound messages. Built here for
 * the simulator and for `webhooks trigger` samples.
 */
export interface StatusFields {
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  recipientId: string;
  /** Unix seconds. */
  timestamp: number;
  errors?: { code: number; title: string; message?: string; error_data?: { details: string } }[];
  category?: 'utility' | 'marketing' | 'authentication' | 'service';
}

export interface InboundFields {
  id: string;
  from: string;
  name: string;
  text: string;
  timestamp: number;
}

interface Business {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

function envelope(business: Business, value: Record<string, unknown>): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: business.wabaId,
        changes: [
          {
            field: 'messages',
            value: { messaging_product: 'whatsapp', metadata: { display_phone_number: business.displayPhoneNumber, phone_number_id: business.phoneNumberId }, ...value },
          },
        ],
      },
    ],
  };
}

export function statusWebhook(business: Business, s: StatusFields): Record<string, unknown> {
  const category = s.category ?? 'utility';
  const billed = s.status === 'sent' || s.status === 'delivered' || s.status === 'read';
  return envelope(business, {
    statuses: [
      {
        id: s.id,
        status: s.status,
        timestamp: String(s.timestamp),
        recipient_id: s.recipientId,
        ...(billed
          ? {
              conversation: { id: `conv-${s.recipientId}`, origin: { type: category }, ...(s.status === 'sent' ? { expiration_timestamp: String(s.timestamp + 86_400) } : {}) },
              pricing: { billable: true, pricing_model: 'CBP', category },
            }
          : {}),
        ...(s.errors ? { errors: s.errors } : {}),
      },
    ],
  });
}

export function inboundWebhook(business: Business, m: InboundFields): Record<string, unknown> {
  return envelope(business, {
    contacts: [{ profile: { name: m.name }, wa_id: m.from }],
    messages: [{ from: m.from, id: m.id, timestamp: String(m.timestamp), type: 'text', text: { body: m.text } }],
  });
}

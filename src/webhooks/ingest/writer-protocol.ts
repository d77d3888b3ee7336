import type { ProcessingResult, WebhookDeliveryInput, WebhookRejectionInput } from '../../store/webhook-types.js';

export type WriterRequest =
  | { seq: number; op: 'commit'; batch: { deliveries: WebhookDeliveryInput[]; rejections: WebhookRejectionInput[] } }
  | { seq: number; op: 'settle'; results: ProcessingResult[] }
  | { seq: number; op: 'close' };

export type WriterReply = { seq: number; ok: true; value: unknown } | { seq: number; ok: false; error: { message: string; code?: string } };

import { z } from 'zod';
import { defineOperation, type AdapterContext } from '../../../src/core/adapter.js';
import { IntegrationError } from '../../../src/core/errors.js';
import type { MpesaConfig } from '../config.js';
import { darajaTimestamp, stkPassword } from '../daraja-time.js';
import { darajaError, readErrorBody } from '../errors.js';
import { darajaRequest } from '../token.js';
import { findCharge } from '../charge-ledger.js';
import { stkStatus } from '../stk-result.js';

interface StkQueryResponse {
  ResponseCode?: string | number;
  ResponseDescription?: string;
  MerchantRequestID?: string;
  CheckoutRequestID?: string;
  ResultCode?: string | number;
  ResultDesc?: string;
}

const output = z.object({
  status: z.enum(['succeeded', 'failed', 'pending', 'unknown']),
  checkoutRequestId: z.string().optional(),
  merchantRequestId: z.string().optional(),
  reference: z.string().optional(),
  resultCode: z.string().optional(),
  resultDesc: z.string(),
});
type QueryResult = z.input<typeof output>;

/** STK push status query; reconciles a charge whose outcome is unknown. */
export const query = defineOperation({
  description: 'Ask Daraja for the status of an STK push (by CheckoutRequestID, or by the charge reference sent from this integration)',
  input: z
    .object({
      checkoutRequestId: z.string().trim().min(1).optional(),
      reference: z.string().trim().min(1).optional().describe("The charge's reference, when its CheckoutRequestID is not known"),
    })
    .refine((v) => v.checkoutRequestId || v.reference, { message: 'give checkoutRequestId or reference' }),
  output,
  retry: 'safe',
  async run(ctx: AdapterContext<MpesaConfig>, input): Promise<QueryResult> {
    if (input.checkoutRequestId) return stkQuery(ctx, input.checkoutRequestId, input.reference);
    const reference = input.reference as string;
    const record = await findCharge(ctx, reference);
    if (!record) {
      throw new IntegrationError('NOT_FOUND', `no M-Pesa charge with reference "${reference}" was sent from integration ${ctx.integration} (or its record expired)`, { requestSent: false });
    }
    if (record.checkoutRequestId) return stkQuery(ctx, record.checkoutRequestId, reference);
    // The push left but its answer never came back, so its CheckoutRequestID is unknown and
    // Daraja has no lookup by AccountReference. The STK callback (its URL carries ?reference=)
    // names the CheckoutRequestID; query again with it.
    return {
      status: 'unknown',
      reference,
      resultDesc: `the STK push sent at ${new Date(record.sentAt).toISOString()} got no answer, so its CheckoutRequestID is unknown and Daraja cannot be asked by reference; the STK callback for reference ${reference} carries it`,
    };
  },
});

async function stkQuery(ctx: AdapterContext<MpesaConfig>, checkoutRequestId: string, reference?: string): Promise<QueryResult> {
  const timestamp = darajaTimestamp(ctx.clock.now());
  const res = await darajaRequest(ctx, {
    method: 'POST',
    path: '/mpesa/stkpushquery/v1/query',
    json: {
      BusinessShortCode: ctx.config.shortcode,
      Password: stkPassword(ctx.config.shortcode, ctx.config.passkey, timestamp),
      Timestamp: timestamp,
      CheckoutRequestID: checkoutRequestId,
    },
  });
  const ids = { checkoutRequestId, ...(reference ? { reference } : {}) };
  if (res.status !== 200) {
    const err = readErrorBody(res);
    // While the customer has the PIN prompt open Daraja answers HTTP 500 with this message.
    if (err.errorCode === '500.001.1001' && /being processed/i.test(err.errorMessage ?? '')) {
      return { status: 'pending', ...ids, resultDesc: err.errorMessage as string };
    }
    const mapped = darajaError(res, ctx.clock.now(), 'STK query');
    if (mapped.provider?.field === 'CheckoutRequestID') {
      throw new IntegrationError('NOT_FOUND', `M-Pesa knows no STK push ${checkoutRequestId}: ${mapped.provider.message}`, { provider: mapped.provider, details: mapped.details });
    }
    throw mapped;
  }
  const body = res.json<StkQueryResponse>();
  if (body.ResultCode === undefined || body.ResultCode === null) {
    throw new IntegrationError('SERVER_ERROR', 'M-Pesa STK query answer had no ResultCode', { provider: { status: res.status, message: body.ResponseDescription } });
  }
  const resultCode = String(body.ResultCode);
  return {
    status: stkStatus(resultCode),
    ...ids,
    ...(body.MerchantRequestID ? { merchantRequestId: body.MerchantRequestID } : {}),
    resultCode,
    resultDesc: body.ResultDesc ?? '',
  };
}

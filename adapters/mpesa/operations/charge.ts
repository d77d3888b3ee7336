import { z } from 'zod';
import { defineOperation, type AdapterContext } from '../../../src/core/adapter.js';
import { IntegrationError } from '../../../src/core/errors.js';
import type { MpesaConfig } from '../config.js';
import { darajaTimestamp, stkPassword } from '../daraja-time.js';
import { darajaError } from '../errors.js';
import { darajaRequest } from '../token.js';
import { saveCharge } from '../charge-ledger.js';
import { withParams } from '../callback-url.js';
import { amountSchema, phoneSchema } from './fields.js';

interface StkPushResponse {
  MerchantRequestID?: string;
  CheckoutRequestID?: string;
  ResponseCode?: string | number;
  ResponseDescription?: string;
  CustomerMessage?: string;
}

/** Lipa Na M-Pesa Online (STK push): prompts the customer's phone for their PIN. */
export const charge = defineOperation({
  description: 'Prompt a customer to pay by M-Pesa (STK push); the result arrives by callback or via query',
  input: z.object({
    amount: amountSchema,
    phone: phoneSchema,
    reference: z.string().trim().min(1).max(12, 'AccountReference is at most 12 characters').describe('AccountReference shown to the customer'),
    description: z.string().trim().min(1).describe('TransactionDesc'),
  }),
  output: z.object({
    checkoutRequestId: z.string(),
    merchantRequestId: z.string(),
    status: z.literal('pending'),
    reference: z.string(),
    amount: z.number(),
    phone: z.string(),
    customerMessage: z.string().optional(),
  }),
  // No idempotency key exists on Daraja: a resent push prompts (and may charge) twice.
  retry: 'unsafe',
  async run(ctx: AdapterContext<MpesaConfig>, input) {
    // The schema already refuses these; run() may also be called directly, and a wrong amount must never leave.
    if (!Number.isInteger(input.amount) || input.amount < 1) {
      throw new IntegrationError('VALIDATION_FAILED', `M-Pesa charges whole shillings only; got ${input.amount}`, { requestSent: false, issues: ['payload.amount: must be a whole number of shillings'] });
    }
    const { config } = ctx;
    const timestamp = darajaTimestamp(ctx.clock.now());
    const record = { reference: input.reference, amount: input.amount, phone: input.phone, sentAt: ctx.clock.now() };
    await saveCharge(ctx, record);
    const res = await darajaRequest(ctx, {
      method: 'POST',
      path: '/mpesa/stkpush/v1/processrequest',
      json: {
        BusinessShortCode: config.shortcode,
        Password: stkPassword(config.shortcode, config.passkey, timestamp),
        Timestamp: timestamp,
        TransactionType: config.transactionType,
        Amount: input.amount,
        PartyA: input.phone,
        PartyB: config.partyB ?? config.shortcode,
        PhoneNumber: input.phone,
        CallBackURL: withParams(config.callbackUrl, { reference: input.reference }),
        AccountReference: input.reference,
        TransactionDesc: input.description,
      },
    });
    if (res.status !== 200) throw darajaError(res, ctx.clock.now(), 'STK push');
    const body = res.json<StkPushResponse>();
    if (String(body.ResponseCode) !== '0' || !body.CheckoutRequestID || !body.MerchantRequestID) {
      const message = body.ResponseDescription ?? 'no CheckoutRequestID in the answer';
      throw new IntegrationError('INVALID_REQUEST', `M-Pesa STK push was not accepted: ${message}`, {
        provider: { status: res.status, code: body.ResponseCode === undefined ? undefined : String(body.ResponseCode), message },
      });
    }
    await saveCharge(ctx, { ...record, checkoutRequestId: body.CheckoutRequestID, merchantRequestId: body.MerchantRequestID });
    return {
      checkoutRequestId: body.CheckoutRequestID,
      merchantRequestId: body.MerchantRequestID,
      status: 'pending' as const,
      reference: input.reference,
      amount: input.amount,
      phone: input.phone,
      ...(body.CustomerMessage ? { customerMessage: body.CustomerMessage } : {}),
    };
  },
});

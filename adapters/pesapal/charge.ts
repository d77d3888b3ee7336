import { z } from 'zod';
import { defineOperation } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { PesapalConfig } from './config.js';
import { pesapal } from './api.js';
import { beforeSending } from '../../src/core/adapter-kit/before-sending.js';
import { ipnId } from './ipn.js';
import { rememberOrder } from './orders.js';

const customer = z
  .object({
    email: z.email().optional(),
    phone: z.string().min(7).optional(),
    countryCode: z.string().length(2).optional(),
    firstName: z.string().optional(),
    middleName: z.string().optional(),
    lastName: z.string().optional(),
    line1: z.string().optional(),
    line2: z.string().optional(),
    city: z.string().optional(),
    state: z.string().optional(),
    postalCode: z.string().optional(),
    zipCode: z.string().optional(),
  })
  .refine((c) => c.email || c.phone, { message: 'give the customer an email or a phone number' });

export const chargeInput = z.object({
  amount: z
    .number()
    .positive()
    .refine((a) => Math.abs(a * 100 - Math.round(a * 100)) < 1e-6, { message: 'at most two decimal places' })
    .describe('In major units (e.g. 1500.50 KES)'),
  currency: z.string().length(3).optional().describe('Defaults to the config currency'),
  reference: z.string().min(1).max(50).describe('Your unique merchant reference (Pesapal "id")'),
  description: z.string().min(1).max(100),
  customer,
  callbackUrl: z.url().optional().describe('Defaults to the config callbackUrl'),
  cancellationUrl: z.url().optional(),
  redirectMode: z.enum(['TOP_WINDOW', 'PARENT_WINDOW']).optional(),
  branch: z.string().optional(),
});

export const chargeOutput = z.object({
  status: z.literal('pending'),
  orderTrackingId: z.string(),
  reference: z.string(),
  redirectUrl: z.url().describe('The Pesapal payment page to send the customer to'),
});

interface SubmitOrderResponse {
  order_tracking_id: string;
  merchant_reference?: string;
  redirect_url: string;
}

/**
 * SubmitOrderRequest. Unsafe: Pesapal documents no idempotency (providers.md
 * §3). If the answer is lost, no customer ever received the payment page,
 * so nothing can be paid on that order; query says so.
 */
export const charge = defineOperation<PesapalConfig, typeof chargeInput, typeof chargeOutput>({
  description: 'Submit an order and get the Pesapal payment page (SubmitOrderRequest); registers the IPN URL on first use',
  input: chargeInput,
  output: chargeOutput,
  retry: 'unsafe',
  async run(ctx, input) {
    const callbackUrl = input.callbackUrl ?? ctx.config.callbackUrl;
    if (!callbackUrl) {
      throw new IntegrationError('VALIDATION_FAILED', 'pesapal charge needs a callbackUrl (in the payload or the integration config)', {
        requestSent: false,
        issues: ['payload.callbackUrl: required when the config has no callbackUrl'],
      });
    }
    const notificationId = await ipnId(ctx).catch(beforeSending);
    const c = input.customer;
    const body = {
      id: input.reference,
      currency: (input.currency ?? ctx.config.currency).toUpperCase(),
      amount: input.amount,
      description: input.description,
      callback_url: callbackUrl,
      notification_id: notificationId,
      ...(input.cancellationUrl ? { cancellation_url: input.cancellationUrl } : {}),
      ...(input.redirectMode ? { redirect_mode: input.redirectMode } : {}),
      ...(input.branch ? { branch: input.branch } : {}),
      billing_address: {
        email_address: c.email ?? '',
        phone_number: c.phone ?? '',
        country_code: c.countryCode ?? '',
        first_name: c.firstName ?? '',
        middle_name: c.middleName ?? '',
        last_name: c.lastName ?? '',
        line_1: c.line1 ?? '',
        line_2: c.line2 ?? '',
        city: c.city ?? '',
        state: c.state ?? '',
        postal_code: c.postalCode ?? '',
        zip_code: c.zipCode ?? '',
      },
    };
    const res = await pesapal<SubmitOrderResponse>(ctx, { method: 'POST', path: '/api/Transactions/SubmitOrderRequest', json: body });
    if (!res.order_tracking_id || !res.redirect_url) throw new IntegrationError('SERVER_ERROR', 'pesapal accepted the order without a tracking id or redirect URL');
    await rememberOrder(ctx, input.reference, res.order_tracking_id);
    return { status: 'pending' as const, orderTrackingId: res.order_tracking_id, reference: res.merchant_reference || input.reference, redirectUrl: res.redirect_url };
  },
});

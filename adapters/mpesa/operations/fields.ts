import { z } from 'zod';
import { toKenyanMsisdn } from '../../../src/core/adapter-kit/phone.js';

/** Daraja: "Only whole numbers are supported". */
export const amountSchema = z
  .number()
  .int('M-Pesa accepts whole shillings only')
  .min(1, 'must be at least 1 shilling')
  .describe('Amount in whole Kenyan shillings');

/** 07…, 01…, +254…, 254… in, 2547…/2541… out. */
export const phoneSchema = z
  .string()
  .transform((value, ctx) => {
    const msisdn = toKenyanMsisdn(value);
    if (msisdn) return msisdn;
    ctx.issues.push({ code: 'custom', input: value, message: 'must be a Kenyan mobile number (07…, 01…, +254… or 254…)' });
    return z.NEVER;
  })
  .describe('Customer phone number');

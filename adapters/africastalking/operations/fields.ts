import { z } from 'zod';
import { toE164 } from '../../../src/core/adapter-kit/phone.js';

/** One number or several; each normalised to E.164. */
export const recipientsSchema = z
  .union([z.string(), z.array(z.string()).min(1)])
  .transform((value, ctx) => {
    const list = (Array.isArray(value) ? value : value.split(',')).map((v) => v.trim()).filter(Boolean);
    const out: string[] = [];
    for (const raw of list) {
      const e164 = toE164(raw);
      if (e164) out.push(e164);
      else ctx.issues.push({ code: 'custom', input: raw, message: `"${raw}" is not a phone number in international form (+<country><number>) or a Kenyan local form` });
    }
    if (!list.length) ctx.issues.push({ code: 'custom', input: value, message: 'at least one recipient is required' });
    return [...new Set(out)];
  })
  .describe('Recipient phone number(s): "+254712345678", a comma-separated list, or an array');

export const sentMessageSchema = z.object({
  number: z.string(),
  messageId: z.string().optional(),
  status: z.string(),
  statusCode: z.number(),
  cost: z.string(),
  accepted: z.boolean(),
});

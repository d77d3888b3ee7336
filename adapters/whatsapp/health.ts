import type { AdapterContext, HealthResult } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { WhatsappConfig } from './config.js';
import { graphRequest, phonePath } from './api.js';
import { graphError } from './errors.js';

interface PhoneNumber {
  id?: string;
  display_phone_number?: string;
  verified_name?: string;
  /** GREEN | YELLOW | RED | UNKNOWN */
  quality_rating?: string;
}

/** GET /{version}/{phone-number-id}: proves the token and that it may use this number. */
async function fetchPhoneNumber(ctx: AdapterContext<WhatsappConfig>): Promise<PhoneNumber> {
  const res = await graphRequest(ctx, { method: 'GET', path: phonePath(ctx.config), query: { fields: 'display_phone_number,verified_name,quality_rating' } });
  if (res.status !== 200) throw graphError(res, ctx.clock.now(), 'phone number lookup');
  return res.json<PhoneNumber>();
}

function describe(p: PhoneNumber): string {
  return `${p.display_phone_number ?? p.id} (${p.verified_name ?? 'unverified name'}), quality ${p.quality_rating ?? 'UNKNOWN'}`;
}

export async function whatsappHealth(ctx: AdapterContext<WhatsappConfig>): Promise<HealthResult> {
  try {
    const number = await fetchPhoneNumber(ctx);
    // A low quality rating is how Meta warns before it lowers the number's messaging limit.
    const status = number.quality_rating === 'RED' || number.quality_rating === 'YELLOW' ? 'degraded' : 'healthy';
    return { status, message: `WhatsApp number ${describe(number)}` };
  } catch (err) {
    if (err instanceof IntegrationError) return { status: 'unhealthy', message: `${err.category}: ${err.message}` };
    throw err;
  }
}

export async function whatsappSelfTest(ctx: AdapterContext<WhatsappConfig>): Promise<string> {
  const number = await fetchPhoneNumber(ctx);
  return `Graph API at ${ctx.http.baseUrl} accepted the access token for number ${describe(number)}`;
}

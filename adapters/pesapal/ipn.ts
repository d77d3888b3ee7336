import { createHash } from 'node:crypto';
import { IntegrationError } from '../../src/core/errors.js';
import { pesapal, type PesapalContext } from './api.js';

interface IpnEntry {
  url: string;
  ipn_id: string;
  created_date?: string;
  ipn_notification_type_description?: string;
}

/**
 * The notification_id orders carry. Registered once per IPN URL: the
 * config's ipnId, else the cache, else an existing registration from
 * GetIpnList (another process, an earlier store), else RegisterIPN.
 */
export async function ipnId(ctx: PesapalContext): Promise<string> {
  if (ctx.config.ipnId) return ctx.config.ipnId;
  const url = ctx.config.ipnUrl;
  if (!url) throw new IntegrationError('CONFIG_INVALID', 'pesapal needs ipnUrl or ipnId in its config', { requestSent: false });
  const key = `pesapal:ipn:${createHash('sha256').update(`${ctx.config.ipnNotificationType} ${url}`).digest('hex').slice(0, 24)}`;
  const cached = await ctx.cache.get<string>(key);
  if (cached) return cached;

  const list = await pesapal<IpnEntry[]>(ctx, { path: '/api/URLSetup/GetIpnList' });
  let entry = (Array.isArray(list) ? list : []).find((e) => e.url === url);
  if (!entry) {
    entry = await pesapal<IpnEntry>(ctx, {
      method: 'POST',
      path: '/api/URLSetup/RegisterIPN',
      json: { url, ipn_notification_type: ctx.config.ipnNotificationType },
    });
    ctx.log.info('registered the pesapal IPN URL', { ipnId: entry.ipn_id, notificationType: ctx.config.ipnNotificationType });
  }
  if (!entry?.ipn_id) throw new IntegrationError('SERVER_ERROR', 'pesapal registered the IPN URL without returning an ipn_id');
  await ctx.cache.set(key, entry.ipn_id);
  return entry.ipn_id;
}

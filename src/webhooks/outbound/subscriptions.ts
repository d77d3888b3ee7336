import { checkDestination } from '../../http/public-destination.js';
import type { Subscription } from '../../store/outbound-types.js';
import type { Store } from '../../store/types.js';
import { parseEventPatterns } from './patterns.js';
import { checkSigningSecret, generateSigningSecret } from './secret.js';

export interface SubscribeInput {
  url: string;
  /** 'payment.*,sms.delivered' or a list. */
  events: string | string[];
  /** 'whsec_…'; generated when absent. */
  secret?: string;
  description?: string;
  now: number;
  /** Let the URL reach loopback, private or link-local addresses (recorded on the subscription). */
  allowPrivateNetwork?: boolean;
}

/** Throws RangeError (never naming the secret) for a bad URL, pattern or secret. */
export function checkSubscriptionUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new RangeError(`invalid URL "${input}": expected an absolute http:// or https:// URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`invalid URL "${input}": only http:// and https:// endpoints can receive webhooks`);
  return url.toString();
}

/**
 * Creates a subscription. The secret is returned this once: afterwards only
 * the delivery worker reads it.
 */
export async function subscribe(store: Pick<Store, 'outbound'>, input: SubscribeInput): Promise<{ subscription: Subscription; secret: string }> {
  const url = checkSubscriptionUrl(input.url);
  if (!input.allowPrivateNetwork) {
    // Checked again on every connection: DNS may answer differently by then.
    const refused = await checkDestination(new URL(url));
    if (refused) throw new RangeError(`${displayUrl(url)} is refused: ${refused.message}; pass --allow-private-network if this endpoint is yours`);
  }
  const events = parseEventPatterns(input.events);
  const secret = input.secret === undefined ? generateSigningSecret() : checkSigningSecret(input.secret);
  const subscription = await store.outbound.createSubscription({
    url,
    events,
    secret,
    description: input.description?.trim() || null,
    now: input.now,
    allowPrivateNetwork: input.allowPrivateNetwork === true,
  });
  return { subscription, secret };
}

/** Query parameters whose names say they carry a credential (token, api_key, secret, signature, password...). */
const CREDENTIAL_PARAM = /token|secret|key|sig|passw|pwd|auth|credential/i;

/** A URL fit to print: a password in it and credential-named query values are masked. */
export function displayUrl(input: string): string {
  try {
    const url = new URL(input);
    if (url.password) url.password = '***';
    // Receivers often authenticate with a secret in the query (?token=, ?api_key=, ?sig=).
    for (const name of new Set(url.searchParams.keys())) if (CREDENTIAL_PARAM.test(name)) url.searchParams.set(name, '***');
    return url.toString();
  } catch {
    return input;
  }
}

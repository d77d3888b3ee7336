import { UsageError } from '../../core/usage-error.js';
import type { Subscription } from '../../store/outbound-types.js';
import { displayUrl, subscribe } from '../../webhooks/outbound/subscriptions.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { palette } from '../render/color.js';
import { printJson } from '../render/json.js';

export interface SubscribeOptions {
  global: GlobalOptions;
  url: string;
  events: string;
  secret?: string;
  description?: string;
  allowPrivateNetwork?: boolean;
}

/** `--json` of subscriptions: never the secret. */
export interface SubscriptionItem {
  id: number;
  url: string;
  events: string[];
  description: string | null;
  createdAt: string;
  /** Only when the operator allowed a loopback, private or link-local destination. */
  allowPrivateNetwork?: true;
}

export function subscriptionItem(s: Subscription): SubscriptionItem {
  return {
    id: s.id,
    url: displayUrl(s.url),
    events: s.events,
    description: s.description,
    createdAt: new Date(s.createdAt).toISOString(),
    ...(s.allowPrivateNetwork ? { allowPrivateNetwork: true as const } : {}),
  };
}

/**
 * Creates a subscription and shows its signing secret this once (on stdout,
 * also under --json): it is never shown again.
 */
export async function runSubscribe(options: SubscribeOptions, deps: CliDeps): Promise<void> {
  const { store } = await deps.session(options.global);
  let created: Awaited<ReturnType<typeof subscribe>>;
  try {
    created = await subscribe(store, {
      url: options.url,
      events: options.events,
      secret: options.secret,
      description: options.description,
      now: deps.clock.now(),
      allowPrivateNetwork: options.allowPrivateNetwork,
    });
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  const { subscription, secret } = created;
  if (options.global.json) return printJson(deps.stdout, { ...subscriptionItem(subscription), secret });
  const style = palette(options.global, deps);
  const lines = [
    `${style.green('✓')} subscription ${subscription.id}: ${displayUrl(subscription.url)} receives ${subscription.events.join(', ')}${
      subscription.allowPrivateNetwork ? ' (private network allowed)' : ''
    }`,
    options.secret === undefined
      ? `signing secret (shown only now; give it to the receiver to verify webhook-signature):`
      : `signing secret: the one given (it is not shown again)`,
  ];
  if (options.secret === undefined) lines.push(`  ${secret}`);
  deps.stdout.write(`${lines.join('\n')}\n`);
}

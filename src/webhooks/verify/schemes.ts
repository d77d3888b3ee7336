import { flutterwave } from './flutterwave.js';
import { github } from './github.js';
import { hmac } from './hmac.js';
import { meta } from './meta.js';
import { none } from './none.js';
import { paystack } from './paystack.js';
import { razorpay } from './razorpay.js';
import { sendgrid } from './sendgrid.js';
import { shopify } from './shopify.js';
import { slack } from './slack.js';
import { standardWebhooks } from './standard-webhooks.js';
import { stripe } from './stripe.js';
import { token } from './token.js';
import { twilio } from './twilio.js';
import type { SchemeDefinition } from './types.js';

/** Verification schemes by the name config uses in `webhook.scheme`. */
export const SCHEMES: ReadonlyMap<string, SchemeDefinition> = new Map(
  [standardWebhooks, stripe, github, meta, twilio, slack, shopify, razorpay, paystack, flutterwave, sendgrid, hmac, token, none].map(
    (scheme) => [scheme.name, scheme] as const,
  ),
);

export function schemeNames(): string[] {
  return [...SCHEMES.keys()];
}

export function getScheme(name: string): SchemeDefinition | undefined {
  return SCHEMES.get(name);
}

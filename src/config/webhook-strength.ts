import type { Problem } from './problems.js';

/**
 * Webhook settings too weak to protect anything, refused when the config is
 * checked (issue 11 §7). Messages name the rule, never the value.
 *
 * - Standard Webhooks keys are 24 to 64 bytes: "The secret key ... should be
 *   between 24 bytes and 64 bytes" (standard-webhooks spec.md, "Signature
 *   scheme"); the Svix libraries generate 24-byte keys.
 * - Every other shared secret (provider-issued: Twilio and Slack give 32
 *   characters, Stripe and Paystack longer; or chosen by the operator: GitHub,
 *   Razorpay, Flutterwave, path tokens) is at least 8 characters and not only
 *   whitespace. Below that one signed request lets anyone guess it offline,
 *   and the redactor cannot mask a value that short without mangling other text.
 * - The timestamp tolerance is at most an hour (schema.ts): a captured request
 *   replays for as long as the window is open.
 */
const MIN_SECRET_CHARS = 8;
const STANDARD_WEBHOOKS_KEY_BYTES = { min: 24, max: 64 };
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export const MAX_TOLERANCE_SECONDS = 3600;

export function weakWebhookSecrets(scheme: string, secrets: readonly unknown[], path: string): Problem[] {
  if (scheme === 'none' || scheme === 'sendgrid') return []; // no secret / a public key, checked by its verifier
  const problems: Problem[] = [];
  secrets.forEach((secret, i) => {
    if (typeof secret !== 'string') return;
    const at = `${path}[${i}]`;
    if (scheme === 'standard-webhooks') {
      const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
      if (!BASE64.test(encoded)) return; // the verifier says what the format is
      const bytes = Buffer.from(encoded, 'base64').length;
      if (bytes < STANDARD_WEBHOOKS_KEY_BYTES.min || bytes > STANDARD_WEBHOOKS_KEY_BYTES.max) {
        problems.push({ path: at, message: `a Standard Webhooks key must be ${STANDARD_WEBHOOKS_KEY_BYTES.min} to ${STANDARD_WEBHOOKS_KEY_BYTES.max} bytes (this one is ${bytes})` });
      }
      return;
    }
    if (secret.trim() === '') problems.push({ path: at, message: 'a webhook secret cannot be blank' });
    else if (secret.length < MIN_SECRET_CHARS) problems.push({ path: at, message: `a webhook secret must be at least ${MIN_SECRET_CHARS} characters` });
  });
  return problems;
}

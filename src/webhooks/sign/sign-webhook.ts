import type { WebhookSettings } from '../../config/types.js';
import { configError } from '../verify/options.js';
import { getScheme, schemeNames } from '../verify/schemes.js';
import type { SignInput, SignOutput } from '../verify/types.js';

export type { SignInput, SignOutput } from '../verify/types.js';

/**
 * What the provider would send for this body: its signature headers (and,
 * for token schemes and Twilio's JSON variant, the path or query it would
 * call), signed with the first of `settings.secrets`. Used by
 * `webhooks trigger` and tests; the verifier of the same settings accepts it.
 */
export function signWebhook(settings: WebhookSettings, input: SignInput): SignOutput {
  const scheme = getScheme(settings.scheme);
  if (!scheme) throw configError(settings, `unknown scheme (known: ${schemeNames().join(', ')})`);
  return scheme.sign(settings, input);
}

import type { WebhookSettings } from '../../config/types.js';
import { compileAllowIps } from './allow-ips.js';
import { configError } from './options.js';
import { getScheme, schemeNames } from './schemes.js';
import type { RequestVerifier, VerifyContext, VerifyRequest, VerifyResult } from './types.js';

/**
 * Builds the verifier for one integration's webhook settings: the IP
 * allow-list (403) first, then the scheme. Key material is derived here,
 * once; the returned function is synchronous and cheap per request.
 * Throws IntegrationError CONFIG_INVALID for settings no request could pass.
 */
export function createVerifier(settings: WebhookSettings): RequestVerifier {
  const scheme = getScheme(settings.scheme);
  if (!scheme) throw configError(settings, `unknown scheme (known: ${schemeNames().join(', ')})`);
  const verifyScheme = scheme.compile(settings);
  const rules = settings.allowIps ?? [];
  if (rules.length === 0) return verifyScheme;
  let checkIp: ReturnType<typeof compileAllowIps>;
  try {
    checkIp = compileAllowIps(rules);
  } catch (error) {
    throw configError(settings, `allowIps: ${(error as Error).message}`);
  }
  return (req, ctx) => checkIp(req, ctx) ?? verifyScheme(req, ctx);
}

const compiled = new WeakMap<WebhookSettings, RequestVerifier>();

/** One-shot form of createVerifier; the compiled verifier is cached per settings object. */
export function verifyWebhook(settings: WebhookSettings, req: VerifyRequest, ctx: VerifyContext): VerifyResult {
  let verifier = compiled.get(settings);
  if (!verifier) {
    verifier = createVerifier(settings);
    compiled.set(settings, verifier);
  }
  return verifier(req, ctx);
}

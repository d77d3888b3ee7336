import { IntegrationError } from '../../core/errors.js';
import type { WebhookSettings } from '../../config/types.js';

/** A verification setting no request could satisfy: found when the verifier is built, not per request. */
export function configError(settings: WebhookSettings, message: string): IntegrationError {
  return new IntegrationError('CONFIG_INVALID', `webhook scheme "${settings.scheme}": ${message}`);
}

export function stringOption(settings: WebhookSettings, name: string): string | undefined {
  const value = settings[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw configError(settings, `option "${name}" must be a non-empty string`);
  return value;
}

export function enumOption<T extends string>(settings: WebhookSettings, name: string, allowed: readonly T[], fallback: T): T {
  const value = stringOption(settings, name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw configError(settings, `option "${name}" must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export function requireSecrets(settings: WebhookSettings): string[] {
  const secrets = settings.secrets;
  if (!Array.isArray(secrets) || secrets.length === 0) throw configError(settings, 'needs at least one secret');
  for (const s of secrets) {
    if (typeof s !== 'string' || s === '') throw configError(settings, 'secrets must be non-empty strings');
  }
  return secrets;
}

/** Header names are matched lower-cased, as the daemon hands them over. */
export function headerName(value: string): string {
  return value.toLowerCase();
}

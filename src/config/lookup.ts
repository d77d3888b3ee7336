import type { IntegrationError } from '../core/errors.js';
import { configInvalid } from './problems.js';
import type { LoadedConfig, ResolvedIntegration, UnresolvedIntegration } from './types.js';

/**
 * The integration called `name`, ready to use; undefined when none is
 * configured by that name. One that waits on an unset environment variable
 * throws CONFIG_INVALID naming the field and the variable, as loading the
 * whole config did before integrations were resolved one by one.
 */
export function findIntegration(config: LoadedConfig, name: string): ResolvedIntegration | undefined {
  if (Object.hasOwn(config.unresolved, name)) throw unresolvedError(config, config.unresolved[name]);
  return Object.hasOwn(config.integrations, name) ? config.integrations[name] : undefined;
}

/** Every configured name, resolved or not: for "configured: ..." hints. */
export function configuredNames(config: LoadedConfig): string[] {
  return [...Object.keys(config.integrations), ...Object.keys(config.unresolved)];
}

/** "MPESA_CONSUMER_SECRET is not set", or "A, B are not set". */
export function unresolvedReason(integration: UnresolvedIntegration): string {
  const { missing } = integration;
  return `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set`;
}

export function unresolvedError(config: LoadedConfig, integration: UnresolvedIntegration): IntegrationError {
  return configInvalid(config.path, integration.problems, []);
}

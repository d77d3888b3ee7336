import type { z } from 'zod';
import { secretPaths } from '../core/fields.js';
import type { AdapterRegistry } from '../core/registry.js';
import type { LoadedConfig, ResolvedIntegration } from './types.js';

/** Webhook scheme options whose names say they hold a credential. */
const SECRET_OPTION = /secret|token|password|passphrase|key$/i;

/**
 * The resolved secret strings of one integration (fields marked secret() in
 * its adapter's schema, webhook secrets and credential-like scheme options),
 * for scrubbing them from anything printed, logged or exported.
 */
export function secretValues(integration: ResolvedIntegration, adapterConfigSchema: z.ZodType): string[] {
  const out = new Set<string>();
  const collect = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value !== '') out.add(value);
    } else if (Array.isArray(value)) value.forEach(collect);
    else if (typeof value === 'number' || typeof value === 'bigint') out.add(String(value));
  };
  for (const path of secretPaths(adapterConfigSchema)) {
    let value: unknown = integration.config;
    for (const key of path.split('.')) {
      value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    }
    collect(value);
  }
  const webhook = integration.webhook;
  if (webhook) {
    collect(webhook.secrets);
    for (const [option, value] of Object.entries(webhook)) {
      if (option !== 'secrets' && option !== 'scheme' && SECRET_OPTION.test(option)) collect(value);
    }
  }
  return [...out];
}

/**
 * Every configured secret of every integration, for the loggers that write
 * before (or beside) any execution: the daemon's and `--verbose`. Loads each
 * configured adapter, so only those two pay for it.
 */
export async function configSecrets(config: LoadedConfig, registry: AdapterRegistry): Promise<string[]> {
  const out: string[] = [];
  for (const integration of Object.values(config.integrations)) {
    const adapter = await registry.get(integration.adapter).catch(() => undefined);
    if (adapter) out.push(...secretValues(integration, adapter.config));
    else out.push(...(integration.webhook?.secrets ?? []));
  }
  return out;
}

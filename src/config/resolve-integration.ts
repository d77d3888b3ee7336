import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { AdapterDefinition } from '../core/adapter.js';
import { describeFields } from '../core/fields.js';
import type { ResolvedIntegration, WebhookSettings } from './types.js';
import { isPlainObject } from './env-refs.js';
import type { Problem } from './problems.js';
import type { ParsedIntegration } from './schema.js';
import { weakWebhookSecrets } from './webhook-strength.js';

const WEBHOOK_DEFAULTS = { secrets: [] as string[], toleranceSeconds: 300, allowIps: [] as string[] };

/**
 * The validated integration as the engine uses it: adapter path fields made
 * absolute against the config's folder, the adapter's webhook defaults under
 * the config's own webhook section.
 */
export function resolveIntegration(
  name: string,
  parsed: ParsedIntegration,
  /** The webhook section as the user wrote it (env resolved, before defaults), to know which keys they set. */
  writtenWebhook: unknown,
  adapter: AdapterDefinition,
  dir: string,
  problems: Problem[],
): ResolvedIntegration | undefined {
  const config = parsed.config as Record<string, unknown>;
  if (isPlainObject(config)) resolvePathFields(config, adapter, dir);

  const webhook = mergeWebhook(parsed.webhook, writtenWebhook, adapter);
  if (webhook && !webhook.scheme) {
    problems.push({
      path: `integrations.${name}.webhook.scheme`,
      message: `Required (adapter "${adapter.name}" declares no webhook verification scheme)`,
    });
    return undefined;
  }
  if (webhook) {
    const weak = weakWebhookSecrets(webhook.scheme!, Array.isArray(webhook.secrets) ? webhook.secrets : [], `integrations.${name}.webhook.secrets`);
    if (weak.length) {
      problems.push(...weak);
      return undefined;
    }
  }

  return {
    name,
    adapter: parsed.adapter,
    enabled: parsed.enabled,
    config,
    retry: parsed.retry,
    timeoutMs: parsed.timeoutMs,
    ...(parsed.maxResponseBytes !== undefined ? { maxResponseBytes: parsed.maxResponseBytes } : {}),
    ...(parsed.rateLimit ? { rateLimit: parsed.rateLimit } : {}),
    circuit: {
      consecutiveFailures: parsed.circuit.consecutiveFailures,
      ...(parsed.circuit.failureRatio !== undefined ? { failureRatio: parsed.circuit.failureRatio } : {}),
      windowMs: parsed.circuit.windowMs,
      minimumCalls: parsed.circuit.minimumCalls,
      cooldownMs: parsed.circuit.cooldownMs,
    },
    queueOnFailure: parsed.queueOnFailure,
    ...(parsed.queue ? { queue: parsed.queue } : {}),
    ...(webhook ? { webhook: webhook as WebhookSettings } : {}),
    sensitive: parsed.sensitive,
  };
}

function mergeWebhook(
  parsed: ParsedIntegration['webhook'],
  written: unknown,
  adapter: AdapterDefinition,
): (Omit<WebhookSettings, 'scheme'> & { scheme?: string }) | undefined {
  const declared = adapter.webhook?.verification;
  if (!parsed && !declared) return undefined;
  // Only keys the user wrote override the adapter's declaration, not schema defaults.
  const set: Record<string, unknown> = {};
  if (parsed && isPlainObject(written)) {
    for (const key of Object.keys(written)) {
      const value = (parsed as Record<string, unknown>)[key];
      if (value !== undefined) set[key] = value;
    }
  }
  return { ...WEBHOOK_DEFAULTS, ...(declared ?? {}), ...set } as Omit<WebhookSettings, 'scheme'> & { scheme?: string };
}

/** Fields marked pathField() in the adapter's schema resolve against the config file's folder; "~/" is the home folder. */
function resolvePathFields(config: Record<string, unknown>, adapter: AdapterDefinition, dir: string): void {
  for (const field of describeFields(adapter.config)) {
    if (!field.isPath || !field.path) continue;
    const keys = field.path.split('.');
    let holder: unknown = config;
    for (const key of keys.slice(0, -1)) holder = isPlainObject(holder) ? holder[key] : undefined;
    if (!isPlainObject(holder)) continue;
    const last = keys[keys.length - 1];
    const value = holder[last];
    if (typeof value === 'string' && value !== '') holder[last] = absolutePath(value, dir);
  }
}

export function absolutePath(value: string, base: string): string {
  if (value === '~') return homedir();
  if (value.startsWith('~/')) return join(homedir(), value.slice(2));
  return isAbsolute(value) ? value : resolve(base, value);
}

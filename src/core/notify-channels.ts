import { configuredNames, findIntegration } from '../config/lookup.js';
import type { LoadedConfig } from '../config/types.js';
import type { AdapterKind } from './adapter.js';
import { IntegrationError } from './errors.js';
import type { AdapterRegistry } from './registry.js';
import { UsageError } from './usage-error.js';

/** The kinds that can carry a notification to a person. */
export const NOTIFY_KINDS = ['messaging', 'sms', 'email'] as const satisfies readonly AdapterKind[];

export type NotifyKind = (typeof NOTIFY_KINDS)[number];

export interface ChannelLookup {
  config: LoadedConfig;
  registry: AdapterRegistry;
}

export interface NotifyChannel {
  /** The integration's configured name. */
  name: string;
  kind: NotifyKind;
}

function isNotifyKind(kind: string): kind is NotifyKind {
  return (NOTIFY_KINDS as readonly string[]).includes(kind);
}

/**
 * The kind of each named integration, checked before anything is sent: a
 * typo in the third channel must not surface only after the first two failed.
 */
export async function resolveChannels(lookup: ChannelLookup, names: readonly string[]): Promise<NotifyChannel[]> {
  if (!names.length) throw new UsageError('give at least one channel (an sms, messaging or email integration)');
  const seen = new Set<string>();
  const out: NotifyChannel[] = [];
  for (const name of names) {
    if (seen.has(name)) throw new UsageError(`channel "${name}" is listed twice`);
    seen.add(name);
    const integration = findIntegration(lookup.config, name);
    if (!integration) {
      const configured = configuredNames(lookup.config);
      throw new UsageError(`unknown integration "${name}"; configured: ${configured.length ? configured.join(', ') : '(none)'}`);
    }
    const adapter = await lookup.registry.get(integration.adapter);
    if (!adapter) throw new IntegrationError('CONFIG_INVALID', `integration "${name}" uses unknown adapter "${integration.adapter}"`);
    if (!isNotifyKind(adapter.kind)) {
      throw new UsageError(`integration "${name}" is a ${adapter.kind} integration (${adapter.name}); a notification channel must be ${NOTIFY_KINDS.join(', ')}`);
    }
    out.push({ name, kind: adapter.kind });
  }
  return out;
}

/**
 * Turns what a user typed into integration names: an integration's name is
 * taken as is; otherwise a kind name ("sms") stands for the first enabled
 * integration of that kind, in config order. An integration actually named
 * like a kind wins over the kind.
 */
export async function channelNamesFrom(lookup: ChannelLookup, typed: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const entry of typed) {
    if (lookup.config.integrations[entry] || lookup.config.unresolved[entry] || !isNotifyKind(entry)) {
      out.push(entry);
      continue;
    }
    const found = await firstEnabledOfKind(lookup, entry);
    if (!found) throw new UsageError(`no enabled ${entry} integration in the config to stand for channel "${entry}"`);
    out.push(found);
  }
  return out;
}

async function firstEnabledOfKind(lookup: ChannelLookup, kind: NotifyKind): Promise<string | undefined> {
  for (const integration of Object.values(lookup.config.integrations)) {
    if (!integration.enabled) continue;
    const adapter = await lookup.registry.get(integration.adapter);
    if (adapter?.kind === kind) return integration.name;
  }
  return undefined;
}

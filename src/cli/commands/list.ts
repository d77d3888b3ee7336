import type { Command } from 'commander';
import { unresolvedReason } from '../../config/lookup.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { globalOptions } from '../options.js';
import { palette } from '../render/color.js';
import { formatAgo } from '../render/format.js';
import { printJson } from '../render/json.js';
import { renderTable } from '../render/table.js';

export interface ListOptions {
  global: GlobalOptions;
}

export interface IntegrationListing {
  name: string;
  adapter: string;
  kind: string | null;
  enabled: boolean;
  /** Epoch milliseconds, or null when it never succeeded. */
  lastSuccess: number | null;
  lastFailure: number | null;
  lastError: string | null;
  /** Why it cannot be used now ("MPESA_CONSUMER_SECRET is not set"), or null. */
  problem: string | null;
}

export function register(program: Command, deps: CliDeps): void {
  program
    .command('list')
    .description('configured integrations: adapter, kind, enabled, last success, last failure')
    .action(async (_opts: unknown, cmd: Command) => runList({ global: globalOptions(cmd) }, deps));
}

export async function listIntegrations(deps: CliDeps, global: GlobalOptions): Promise<IntegrationListing[]> {
  const { config, registry, store } = await deps.session(global, { store: 'read' });
  const outcomes = new Map((await store.logs.outcomes()).map((o) => [o.integration, o]));
  const listings: IntegrationListing[] = [];
  for (const integration of Object.values(config.integrations)) {
    const adapter = await registry.get(integration.adapter);
    const outcome = outcomes.get(integration.name);
    listings.push({
      name: integration.name,
      adapter: integration.adapter,
      kind: adapter?.kind ?? null,
      enabled: integration.enabled,
      lastSuccess: outcome?.lastSuccess ?? null,
      lastFailure: outcome?.lastFailure ?? null,
      lastError: outcome?.lastError ?? null,
      problem: null,
    });
  }
  for (const integration of Object.values(config.unresolved)) {
    const adapter = integration.adapter ? await registry.get(integration.adapter) : undefined;
    const outcome = outcomes.get(integration.name);
    listings.push({
      name: integration.name,
      adapter: integration.adapter ?? '?',
      kind: adapter?.kind ?? null,
      enabled: integration.enabled,
      lastSuccess: outcome?.lastSuccess ?? null,
      lastFailure: outcome?.lastFailure ?? null,
      lastError: outcome?.lastError ?? null,
      problem: unresolvedReason(integration),
    });
  }
  return listings.sort((a, b) => a.name.localeCompare(b.name));
}

export async function runList(options: ListOptions, deps: CliDeps): Promise<void> {
  const listings = await listIntegrations(deps, options.global);
  if (options.global.json) return printJson(deps.stdout, listings.map(listingJson));
  if (!listings.length) {
    deps.stderr.write('no integrations configured; add one to the config file (see `integrations adapters list`)\n');
    return;
  }
  const style = palette(options.global, deps);
  const now = deps.clock.now();
  // The PROBLEM column only when there is one, so the usual table stays as it was.
  const problems = listings.some((l) => l.problem !== null);
  deps.stdout.write(
    await renderTable({
      head: ['NAME', 'ADAPTER', 'KIND', 'ENABLED', 'LAST SUCCESS', 'LAST FAILURE', ...(problems ? ['PROBLEM'] : [])],
      rows: listings.map((l) => [
        style.cyan(l.name),
        l.adapter,
        l.kind ?? '?',
        l.enabled ? style.green('yes') : style.dim('no'),
        formatAgo(l.lastSuccess, now),
        l.lastFailure === null ? '-' : style.red(`${formatAgo(l.lastFailure, now)}${l.lastError ? `: ${truncate(l.lastError, 60)}` : ''}`),
        ...(problems ? [l.problem === null ? '' : style.red(l.problem)] : []),
      ]),
      style,
    }),
  );
}

/** Times as ISO 8601, as every other command's JSON gives them. */
function listingJson(l: IntegrationListing) {
  return { ...l, lastSuccess: isoOrNull(l.lastSuccess), lastFailure: isoOrNull(l.lastFailure) };
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

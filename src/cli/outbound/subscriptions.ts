import { UsageError } from '../../core/usage-error.js';
import { displayUrl } from '../../webhooks/outbound/subscriptions.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { palette } from '../render/color.js';
import { formatTimestamp } from '../render/format.js';
import { printJson } from '../render/json.js';
import { renderTable } from '../render/table.js';
import { parseId } from './ids.js';
import { subscriptionItem } from './subscribe.js';

/** Active subscriptions, oldest first; secrets never shown. */
export async function runListSubscriptions(options: { global: GlobalOptions }, deps: CliDeps): Promise<void> {
  const { store } = await deps.session(options.global, { store: 'read' });
  const subscriptions = await store.outbound.listSubscriptions();
  if (options.global.json) return printJson(deps.stdout, subscriptions.map(subscriptionItem));
  if (!subscriptions.length) {
    deps.stderr.write('no subscriptions (add one with `integrations webhooks subscribe --url URL --events "payment.*"`)\n');
    return;
  }
  const style = palette(options.global, deps);
  deps.stdout.write(
    await renderTable({
      head: ['ID', 'URL', 'EVENTS', 'CREATED', 'DESCRIPTION'],
      rows: subscriptions.map((s) => [s.id, displayUrl(s.url), s.events.join(','), formatTimestamp(s.createdAt), s.description ?? '']),
      style,
      alignRight: [0],
    }),
  );
}

/** Removes a subscription; its deliveries still waiting are cancelled, their history kept. */
export async function runRemoveSubscription(options: { global: GlobalOptions; id: string }, deps: CliDeps): Promise<void> {
  const id = parseId('subscription id', options.id);
  const { store } = await deps.session(options.global);
  const existing = await store.outbound.getSubscription(id);
  if (!existing || existing.removedAt !== null) {
    throw new UsageError(`no subscription with id ${id}${existing ? ' (it was already removed)' : ''} (see \`integrations webhooks subscriptions list\`)`);
  }
  const { removed, cancelled } = await store.outbound.removeSubscription(id, deps.clock.now());
  if (!removed) throw new UsageError(`subscription ${id} was already removed`);
  if (options.global.json) return printJson(deps.stdout, { id, removed: true, cancelledDeliveries: cancelled });
  const style = palette(options.global, deps);
  const note = cancelled ? `; ${cancelled} waiting deliver${cancelled === 1 ? 'y' : 'ies'} cancelled` : '';
  deps.stdout.write(`${style.green('✓')} subscription ${id} (${displayUrl(existing.url)}) removed${note}\n`);
}

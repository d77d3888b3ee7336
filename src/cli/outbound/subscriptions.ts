import { IntegrationError } from '../../core/errors.js';
import { displayUrl } from '../../webhooks/outbound/subscriptions.js';
import { confirmDeletion, type DeletionFlags } from '../confirm-deletion.js';
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
      rows: subscriptions.map((s) => [s.id, `${displayUrl(s.url)}${s.allowPrivateNetwork ? ' (private network allowed)' : ''}`, s.events.join(','), formatTimestamp(s.createdAt), s.description ?? '']),
      style,
      alignRight: [0],
    }),
  );
}

export interface RemoveSubscriptionOptions extends DeletionFlags {
  global: GlobalOptions;
  id: string;
}

/** Removes a subscription after saying what goes with it and asking (or --yes); its deliveries still waiting are cancelled, their history kept. */
export async function runRemoveSubscription(options: RemoveSubscriptionOptions, deps: CliDeps): Promise<void> {
  const id = parseId('subscription id', options.id);
  const { store } = await deps.session(options.global);
  const existing = await store.outbound.getSubscription(id);
  if (!existing || existing.removedAt !== null) {
    throw new IntegrationError('NOT_FOUND', `no subscription with id ${id}${existing ? ' (it was already removed)' : ''} (see \`integrations webhooks subscriptions list\`)`);
  }
  const waiting = await store.outbound.countWaiting(id);
  const deliveries = (n: number) => `${n} waiting deliver${n === 1 ? 'y' : 'ies'}`;
  const plan = `remove subscription ${id} (${displayUrl(existing.url)}) and cancel its ${deliveries(waiting)}`;
  if (!(await confirmDeletion({ text: plan, count: 1 }, options, deps))) {
    if (options.global.json) return printJson(deps.stdout, { id, removed: false, waitingDeliveries: waiting, dryRun: true });
    deps.stdout.write(`would ${plan}\n`);
    return;
  }
  const { removed, cancelled } = await store.outbound.removeSubscription(id, deps.clock.now());
  if (!removed) throw new IntegrationError('NOT_FOUND', `subscription ${id} was already removed`);
  if (options.global.json) return printJson(deps.stdout, { id, removed: true, cancelledDeliveries: cancelled });
  const style = palette(options.global, deps);
  const note = cancelled ? `; ${deliveries(cancelled)} cancelled` : '';
  deps.stdout.write(`${style.green('✓')} subscription ${id} (${displayUrl(existing.url)}) removed${note}\n`);
}

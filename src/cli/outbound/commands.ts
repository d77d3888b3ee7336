import { Option, type Command } from 'commander';
import { DELIVERY_STATUSES } from '../../store/outbound-types.js';
import type { CliDeps } from '../deps.js';
import { deletionOptions } from '../confirm-deletion.js';
import { globalOptions } from '../options.js';
import { positiveInt } from '../time-bound.js';

/** Outbound subcommands of `integrations webhooks`: the user's own endpoints and what was sent to them. */
export function registerOutbound(webhooks: Command, deps: CliDeps): void {
  webhooks
    .command('subscribe')
    .description('deliver normalized events to your endpoint as signed Standard Webhooks requests')
    .requiredOption('--url <url>', 'your endpoint (http:// or https://)')
    .requiredOption('--events <patterns>', 'comma-separated event types or globs: "payment.*,sms.delivered", "*" for all')
    .option('--secret <whsec>', 'signing secret "whsec_<base64>" (default: a new one, shown once)')
    .option('--description <text>', 'a note for `subscriptions list`')
    .option('--allow-private-network', 'let this endpoint be a loopback, private or link-local address (refused otherwise; recorded)')
    .addHelpText(
      'after',
      '\nThe signing secret is printed once, at creation (also under --json), and never again.\n\nExamples:\n  integrations webhooks subscribe --url https://example.com/hooks --events "payment.*,sms.delivered"\n',
    )
    .action(async (opts: { url: string; events: string; secret?: string; description?: string; allowPrivateNetwork?: boolean }, cmd: Command) =>
      (await import('./subscribe.js')).runSubscribe({ global: globalOptions(cmd), ...opts }, deps),
    );

  const subscriptions = webhooks.command('subscriptions').description('your endpoints subscribed to events');
  subscriptions
    .command('list')
    .description('active subscriptions (secrets are never shown)')
    .action(async (_opts: unknown, cmd: Command) => (await import('./subscriptions.js')).runListSubscriptions({ global: globalOptions(cmd) }, deps));
  deletionOptions(
    subscriptions
      .command('remove')
      .description('stop delivering to an endpoint; its waiting deliveries are cancelled, history kept; asks first (--yes in scripts)')
      .argument('<id>', 'subscription id (see `webhooks subscriptions list`)'),
  ).action(async (id: string, opts: { yes?: boolean; dryRun?: boolean }, cmd: Command) =>
    (await import('./subscriptions.js')).runRemoveSubscription({ global: globalOptions(cmd), id, yes: opts.yes === true, dryRun: opts.dryRun === true }, deps),
  );

  webhooks
    .command('deliveries')
    .description('events sent (or being sent) to subscriptions, newest last; with an id, one delivery and its attempts')
    .argument('[id]', 'delivery id: show it in full')
    .addOption(new Option('--status <status>', 'only deliveries with this status').choices([...DELIVERY_STATUSES]))
    .option('--subscription <id>', 'only this subscription')
    .option('--since <when>', 'created since, e.g. 2h, 7d or 2026-01-31')
    .option('--limit <n>', 'at most this many (the newest)', positiveInt('--limit'), 50)
    .action(async (id: string | undefined, opts: { status?: string; subscription?: string; since?: string; limit: number }, cmd: Command) =>
      (await import('./deliveries.js')).runDeliveries({ global: globalOptions(cmd), id, ...opts }, deps),
    );

  webhooks
    .command('redeliver')
    .description('send finished deliveries again, with a fresh retry schedule and the same webhook-id')
    .argument('[ids...]', 'delivery ids')
    .option('--failed', 'every failed delivery (narrow with --since)')
    .option('--since <when>', 'with --failed: failed since, e.g. 2h')
    .addHelpText('after', '\nExamples:\n  integrations webhooks redeliver 12 13\n  integrations webhooks redeliver --failed --since 2h\n')
    .action(async (ids: string[], opts: { failed?: boolean; since?: string }, cmd: Command) => (await import('./redeliver.js')).runRedeliver({ global: globalOptions(cmd), ids, ...opts }, deps));
}

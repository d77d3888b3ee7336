import type { Command } from 'commander';
import type { CliDeps } from '../deps.js';
import { globalOptions } from '../options.js';
import { positiveInt } from '../time-bound.js';
import { registerOutbound } from '../outbound/commands.js';

/** `integrations webhooks ...`: what arrived, what was refused, replay, and test deliveries. */
export function register(program: Command, deps: CliDeps): void {
  const webhooks = program.command('webhooks').description('inbound webhooks: list, show, replay, rejections, trigger a signed sample; outbound: subscribe, subscriptions, deliveries, redeliver');

  webhooks
    .command('list')
    .description('stored deliveries, newest last')
    .option('--status <status>', 'received | processed | failed')
    .option('--integration <name>', 'only this integration')
    .option('--since <when>', 'received since, e.g. 2h, 7d or 2026-01-31')
    .option('--limit <n>', 'at most this many (the newest)', positiveInt('--limit'), 50)
    .action(async (opts: { status?: string; integration?: string; since?: string; limit: number }, cmd: Command) =>
      (await import('./webhooks/listing.js')).runListWebhooks({ global: globalOptions(cmd), ...opts }, deps),
    );

  webhooks
    .command('show')
    .description('one delivery: headers (secrets masked), body pretty-printed, events it produced')
    .argument('<id>', 'webhook id (see `webhooks list`)')
    .action(async (id: string, _opts: unknown, cmd: Command) => (await import('./webhooks/show.js')).runShowWebhook({ global: globalOptions(cmd), id }, deps));

  webhooks
    .command('replay')
    .description('re-run processing from the stored raw bytes (with or without the daemon running)')
    .argument('[ids...]', 'webhook ids')
    .option('--failed', 'every failed delivery (narrow with --integration / --since)')
    .option('--integration <name>', 'with --failed: only this integration')
    .option('--since <when>', 'with --failed: received since, e.g. 2h')
    .option('--dry-run', 'parse and show what would be produced; change nothing')
    .addHelpText('after', '\nExamples:\n  integrations webhooks replay 42 43\n  integrations webhooks replay --failed --since 2h --dry-run\n')
    .action(async (ids: string[], opts: { failed?: boolean; integration?: string; since?: string; dryRun?: boolean }, cmd: Command) =>
      (await import('./webhooks/replay.js')).runReplayWebhooks({ global: globalOptions(cmd), ids, ...opts }, deps),
    );

  webhooks
    .command('rejections')
    .description('requests refused by verification (or naming no integration), newest last')
    .option('--since <when>', 'since, e.g. 1h or 2026-01-31')
    .option('--integration <name>', 'only this integration ("(unknown)" for unknown names)')
    .option('--limit <n>', 'at most this many (the newest)', positiveInt('--limit'), 50)
    .action(async (opts: { since?: string; integration?: string; limit: number }, cmd: Command) => (await import('./webhooks/rejections.js')).runRejections({ global: globalOptions(cmd), ...opts }, deps));

  webhooks
    .command('trigger')
    .description("send the adapter's sample delivery, signed as the provider would, to the daemon")
    .argument('<integration>', 'configured integration that receives webhooks')
    .option('--event <type>', 'sample event type (see `adapters show <adapter>`)')
    .option('--url <url>', 'daemon base URL (default: http://<daemon.host>:<daemon.port>)')
    .action(async (integration: string, opts: { event?: string; url?: string }, cmd: Command) =>
      (await import('./webhooks/trigger.js')).runTrigger({ global: globalOptions(cmd), integration, ...opts }, deps),
    );

  registerOutbound(webhooks, deps);
}

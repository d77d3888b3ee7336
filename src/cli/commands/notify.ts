import type { Command } from 'commander';
import type { NotifyAttempt, NotifyResult } from '../../core/notify.js';
import { IntegrationError } from '../../core/errors.js';
import { UsageError } from '../../core/usage-error.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { globalOptions } from '../options.js';
import { palette } from '../render/color.js';
import { formatDuration } from '../render/format.js';
import { printJson } from '../render/json.js';

export interface NotifyCommandOptions {
  global: GlobalOptions;
  /** As typed: integration names or kind names. */
  channels: string[];
  to: string[];
  message: string;
  subject?: string;
  idempotencyKey?: string;
  tenant?: string;
}

function parseList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function register(program: Command, deps: CliDeps): void {
  program
    .command('notify')
    .description('send one message through the first channel that takes it: sms, messaging or email integrations, tried in order')
    .requiredOption('--channels <list>', 'comma-separated integration names, tried in order; a kind (sms, messaging, email) stands for the first enabled integration of that kind', parseList)
    .option('--to <recipient>', 'phone number or email address; repeat to give both (each channel takes the one its kind uses)', collect)
    .requiredOption('--message <text>', 'the text to send')
    .option('--subject <text>', "email subject (default: the message's first line)")
    .option('-k, --idempotency-key <key>', 'makes a repeat send nothing twice; each channel uses <key>:<integration> (default: derived from the call)')
    .option('-t, --tenant <tenant>', 'tenant this notification is for (logged, part of the derived key)')
    .addHelpText(
      'after',
      `
Each channel's send runs like \`integrations run <channel> send\` (retries, circuit breaker,
one log row). A failure of any kind moves on to the next channel, an unknown outcome too:
for a notification a duplicate is better than nothing. Exit 0 once a channel delivered,
otherwise the exit code of the last channel's failure. --json prints
{"delivered", "channel", "attempts"}.

Example:
  integrations notify --channels whatsapp,sms,email --to +254712345678 --to amina@example.com --message 'Your order has shipped'
`,
    )
    .action(async (opts: Omit<NotifyCommandOptions, 'global' | 'to'> & { to?: string[] }, cmd: Command) =>
      runNotify({ global: globalOptions(cmd), ...opts, to: opts.to ?? [] }, deps),
    );
}

export async function runNotify(options: NotifyCommandOptions, deps: CliDeps): Promise<void> {
  if (!options.channels.length) throw new UsageError('--channels needs at least one integration or kind name');
  if (!options.to.some((t) => t.trim())) throw new UsageError('--to is required: a phone number, an email address, or both (repeat --to)');
  if (!options.message.trim()) throw new UsageError('--message must not be empty');
  const session = await deps.session(options.global);
  const [{ notify }, { channelNamesFrom }] = await Promise.all([import('../../core/notify.js'), import('../../core/notify-channels.js')]);
  const channels = await channelNamesFrom(session, options.channels);
  const style = palette(options.global, { env: deps.env, isTTY: deps.stderrIsTTY });
  const result = await notify(session, {
    channels,
    to: options.to,
    message: options.message,
    subject: options.subject,
    tenant: options.tenant,
    idempotencyKey: options.idempotencyKey,
    signal: deps.signal,
    // Progress on stderr as it happens; stdout keeps the verdict. Under --json stderr is kept for the JSON error alone.
    onAttempt: options.global.json ? undefined : (attempt) => deps.stderr.write(attemptLine(attempt, style)),
  });
  if (options.global.json) printJson(deps.stdout, { delivered: result.delivered, channel: result.channel ?? null, attempts: result.attempts });
  else if (result.delivered) deps.stdout.write(`delivered via ${result.channel}\n`);
  // main writes the error and maps its category to the exit code.
  if (!result.delivered) throw notDelivered(result);
}

function attemptLine(attempt: NotifyAttempt, style: ReturnType<typeof palette>): string {
  const log = attempt.logId === null ? '' : `, log #${attempt.logId}`;
  if (attempt.ok) {
    const how = attempt.replayed ? 'already delivered by an earlier notify with this key' : formatDuration(attempt.durationMs);
    return `${style.green('✓')} ${attempt.channel} (${attempt.kind}) delivered (${how}${log})\n`;
  }
  return `${style.red('✗')} ${attempt.channel} (${attempt.kind}) ${attempt.category}: ${attempt.message} (${formatDuration(attempt.durationMs)}${log})\n`;
}

function notDelivered(result: NotifyResult): Error {
  const last = result.attempts.at(-1);
  // No attempt at all: the run was interrupted before the first channel; main reports the interruption.
  if (!last?.category) return new Error('notification not sent');
  const count = result.attempts.length;
  return new IntegrationError(last.category, `not delivered: ${count === 1 ? 'the channel' : `all ${count} channels`} failed; last ${last.channel}: ${last.message ?? last.category}`);
}

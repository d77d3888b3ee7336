import type { LoadedConfig } from '../config/types.js';
import type { ErrorCategory } from './errors.js';
import type { Executor } from './executor.js';
import type { AdapterRegistry } from './registry.js';
import { resolveChannels, type NotifyKind } from './notify-channels.js';
import { recipientFor, sendPayload } from './notify-payloads.js';

export interface NotifyEngine {
  executor: Pick<Executor, 'execute'>;
  config: LoadedConfig;
  /** A channel's kind (and so its payload) comes from its adapter's declaration. */
  registry: AdapterRegistry;
}

export interface NotifyRequest {
  /** Integration names (kinds sms, messaging, email), tried in this order. */
  channels: string[];
  /**
   * Who to reach: one recipient, or several of different forms (a phone
   * number and an email address); each channel takes the first its kind uses.
   */
  to: string | string[];
  message: string;
  /** Email only; without it the message's first line is the subject. */
  subject?: string;
  tenant?: string;
  /** Each channel's send runs under `${idempotencyKey}:${channel}`; without one the executor derives it from the call. */
  idempotencyKey?: string;
  correlationId?: string;
  /** Aborted: no further channel is tried. */
  signal?: AbortSignal;
  /** Called after each channel's attempt, as it happens (progress lines). */
  onAttempt?(attempt: NotifyAttempt): void;
}

export interface NotifyAttempt {
  /** The integration tried. */
  channel: string;
  kind: NotifyKind;
  ok: boolean;
  category?: ErrorCategory;
  message?: string;
  /** The operation log row; null when nothing ran (no recipient of this kind, or refused before a claim). */
  logId: number | null;
  durationMs: number;
  /** An earlier notify with the same key already delivered on this channel: not sent again. */
  replayed?: boolean;
}

export interface NotifyResult {
  delivered: boolean;
  /** The channel that delivered. */
  channel?: string;
  attempts: NotifyAttempt[];
}

/**
 * Sends one message through the first channel that takes it: each channel's
 * `send` runs through the executor (idempotency, retries, circuit, one log
 * row), and any failure moves on to the next channel.
 *
 * That includes OUTCOME_UNKNOWN (a timeout or dropped connection after the
 * send left): the first channel may or may not have delivered, and the next
 * one is tried anyway. For a payment that would be wrong; for a notification
 * a duplicate message is the lesser harm than none at all. The unknown send
 * stays recorded as such (log row, idempotency key in state "unknown"), so a
 * repeated notify does not resend it on that channel either.
 */
export async function notify(engine: NotifyEngine, request: NotifyRequest): Promise<NotifyResult> {
  const channels = await resolveChannels(engine, request.channels);
  const recipients = (Array.isArray(request.to) ? request.to : [request.to]).map((r) => r.trim()).filter(Boolean);
  const attempts: NotifyAttempt[] = [];
  const record = (attempt: NotifyAttempt) => {
    attempts.push(attempt);
    request.onAttempt?.(attempt);
  };

  for (const { name, kind } of channels) {
    if (request.signal?.aborted) break;
    const to = recipientFor(kind, recipients);
    if (to === undefined) {
      const form = kind === 'email' ? 'an email address' : 'a phone number';
      record({ channel: name, kind, ok: false, category: 'VALIDATION_FAILED', message: `no recipient for ${kind} channel ${name}: give ${form}`, logId: null, durationMs: 0 });
      continue;
    }
    const payload = sendPayload(kind, { to, message: request.message, subject: request.subject });
    const outcome = await engine.executor.execute(name, 'send', payload, {
      tenant: request.tenant,
      idempotencyKey: request.idempotencyKey === undefined ? undefined : `${request.idempotencyKey}:${name}`,
      correlationId: request.correlationId,
      signal: request.signal,
    });
    if (outcome.ok) {
      record({ channel: name, kind, ok: true, logId: outcome.logId, durationMs: outcome.durationMs, ...(outcome.replayed ? { replayed: true } : {}) });
      return { delivered: true, channel: name, attempts };
    }
    record({ channel: name, kind, ok: false, category: outcome.error.category, message: outcome.error.message, logId: outcome.logId, durationMs: outcome.durationMs });
  }
  return { delivered: false, attempts };
}

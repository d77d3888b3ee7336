import { randomUUID } from 'node:crypto';
import { unresolvedReason } from '../config/lookup.js';
import type { LoadedConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import { integrationSecrets, type Executor } from '../core/executor.js';
import { redact } from '../core/redact.js';
import type { AdapterRegistry } from '../core/registry.js';
import type { OperationLogRow, Store } from '../store/types.js';
import type { Settled, SettleHow, UnknownOutcome } from './outcome.js';
import { planQuery } from './plan.js';
import { readAnswer } from './verdict.js';

export interface SettleDeps {
  config: LoadedConfig;
  registry: AdapterRegistry;
  store: Store;
  executor: Executor;
  clock: Clock;
  signal?: AbortSignal;
}

/** What is recorded: the operation succeeded (with the provider's record) or did not take effect. */
type Finding =
  | { status: 'succeeded'; detail: string; result: string }
  | { status: 'failed'; detail: string; category: string; answer: string | null };

/**
 * Settles one unknown outcome: asks the provider through the adapter's
 * query (or takes the operator's word, by hand), then records the finding
 * in three places: the queue job (succeeded or dead), a log row that
 * settles the OUTCOME_UNKNOWN row, and the idempotency key, so a later
 * run with the same key replays the provider's record (succeeded) or runs
 * again (it never took effect). What the provider cannot tell yet stays
 * unknown, untouched.
 */
export async function settleOutcome(deps: SettleDeps, item: UnknownOutcome, how: SettleHow): Promise<Settled> {
  if (how.by === 'hand') {
    const detail = `settled by hand as ${how.status}${how.actor ? ` by ${how.actor}` : ''}: ${how.reason}`;
    const result = JSON.stringify({ status: how.status, settledBy: 'hand', actor: how.actor, reason: how.reason });
    const finding: Finding = how.status === 'succeeded' ? { status: 'succeeded', detail, result } : { status: 'failed', detail, category: 'INVALID_REQUEST', answer: null };
    return record(deps, item, finding, { by: 'hand', actor: how.actor, reason: how.reason }, null);
  }

  const waiting = deps.config.unresolved[item.integration];
  if (waiting) return unknown(`${item.integration}: ${unresolvedReason(waiting)}; set it and reconcile again`, false);
  const integration = deps.config.integrations[item.integration];
  const adapter = integration && (await deps.registry.get(integration.adapter));
  if (!integration || !adapter) return unknown(`integration "${item.integration}" is not configured`, true);
  const sent = item.job?.payload ?? item.log?.request ?? 'null';
  const plan = planQuery(adapter, item.integration, item.operation, sent, item.idempotencyKey, item.job ? 'job' : 'logged request');
  if (plan.by === 'hand') return unknown(plan.why, true);

  // A fresh key per reconcile: the query must really run, not replay an earlier answer.
  const subject = item.log ? `log-${item.log.id}` : `job-${item.job?.id}`;
  const outcome = await deps.executor.execute(item.integration, 'query', plan.input, {
    tenant: item.tenant ?? undefined,
    idempotencyKey: `reconcile:${subject}:${deps.clock.now()}`,
    signal: deps.signal,
  });
  const verdict = readAnswer(outcome);
  if (verdict.status === 'unknown') return { ...unknown(verdict.detail, verdict.byHand), queryLogId: outcome.logId };
  // The query's own log row holds its answer as stored: redacted.
  const answer = outcome.ok && outcome.logId !== null ? ((await deps.store.logs.get(outcome.logId))?.response ?? null) : null;
  const finding: Finding =
    verdict.status === 'succeeded'
      ? { status: 'succeeded', detail: verdict.detail, result: answer ?? 'null' }
      : { status: 'failed', detail: verdict.detail, category: verdict.category, answer };
  return record(deps, item, finding, { by: 'query', actor: null, reason: null }, outcome.logId);
}

function unknown(detail: string, byHand: boolean): Settled {
  return { status: 'unknown', detail, byHand, settlementLogId: null, queryLogId: null, already: false };
}

async function record(deps: SettleDeps, item: UnknownOutcome, finding: Finding, how: { by: 'query' | 'hand'; actor: string | null; reason: string | null }, queryLogId: number | null): Promise<Settled> {
  const { store } = deps;
  const now = deps.clock.now();
  // The job first: its conditional update is what makes two reconciles of one job settle it once.
  if (item.job) {
    const settled = await store.queue.resolveUnknown(
      item.job.id,
      now,
      finding.status === 'succeeded' ? { status: 'succeeded', result: finding.result, logId: null } : { status: 'dead', error: { category: finding.category, message: finding.detail }, logId: null },
    );
    if (!settled) {
      const status = (await store.queue.get(item.job.id))?.status === 'succeeded' ? 'succeeded' : 'failed';
      return { status, detail: `job ${item.job.id} was settled meanwhile by another reconcile`, byHand: false, settlementLogId: null, queryLogId, already: true };
    }
  }
  const settlementLogId = await store.logs.appendSettlement({
    time: now,
    integration: item.integration,
    adapter: item.log?.adapter ?? deps.config.integrations[item.integration]?.adapter ?? 'unknown',
    operation: item.operation,
    tenant: item.tenant,
    idempotencyKey: item.idempotencyKey,
    correlationId: item.log?.correlationId ?? item.job?.correlationId ?? randomUUID(),
    status: finding.status === 'succeeded' ? 'ok' : 'failed',
    errorCategory: finding.status === 'failed' ? finding.category : null,
    errorMessage: finding.status === 'failed' ? finding.detail : null,
    attempts: 0,
    durationMs: 0,
    request: item.log?.request ?? (await redactedPayload(deps, item)),
    response: finding.status === 'succeeded' ? finding.result : finding.answer,
    reconciles: { logId: item.log?.id ?? null, ...how },
  });
  if (settlementLogId === null) {
    // Another reconcile recorded it between our look and our write: its finding stands.
    const theirs = item.log && (await store.logs.settlementOf(item.log.id));
    return settledBefore(theirs!);
  }
  await settleKey(deps, item, finding, settlementLogId);
  return { status: finding.status, detail: finding.detail, byHand: false, settlementLogId, queryLogId, already: false };
}

/** A settlement made earlier; its finding is applied to the key again, in case the process that made it died before doing so. */
export async function alreadySettled(deps: SettleDeps, item: UnknownOutcome, settlement: OperationLogRow): Promise<Settled> {
  const finding: Finding =
    settlement.status === 'ok'
      ? { status: 'succeeded', detail: '', result: settlement.response ?? 'null' }
      : { status: 'failed', detail: '', category: settlement.errorCategory ?? 'INVALID_REQUEST', answer: settlement.response };
  await settleKey(deps, item, finding, settlement.id);
  return settledBefore(settlement);
}

function settledBefore(settlement: OperationLogRow): Settled {
  const status = settlement.status === 'ok' ? 'succeeded' : 'failed';
  const by = settlement.reconciles?.by === 'hand' ? `by hand${settlement.reconciles.actor ? ` (${settlement.reconciles.actor})` : ''}` : 'by query';
  return { status, detail: `already settled as ${status} ${by} in log ${settlement.id}`, byHand: false, settlementLogId: settlement.id, queryLogId: null, already: true };
}

/**
 * The key an unknown outcome holds (state `unknown`, so every run with it
 * stops at exit 6): succeeded, it replays the provider's record; failed, it
 * is expired so the operation may run again, since it never took effect.
 */
async function settleKey(deps: SettleDeps, item: UnknownOutcome, finding: Finding, settlementLogId: number): Promise<void> {
  const record = await deps.store.idempotency.get(item.idempotencyKey);
  if (record?.state !== 'unknown' || record.integration !== item.integration || record.operation !== item.operation) return;
  const now = deps.clock.now();
  if (finding.status === 'succeeded') {
    await deps.store.idempotency.settle({ key: record.key, owner: record.owner, state: 'completed', result: finding.result, logId: settlementLogId, expiresAt: Math.max(record.expiresAt, now + deps.config.idempotency.ttlMs) });
  } else {
    await deps.store.idempotency.settle({ key: record.key, owner: record.owner, state: 'unknown', result: null, logId: record.logId, expiresAt: now });
  }
}

/** A job's payload is kept as given; the log holds only what redaction lets through. */
async function redactedPayload(deps: SettleDeps, item: UnknownOutcome): Promise<string> {
  const integration = deps.config.integrations[item.integration];
  const adapter = integration && (await deps.registry.get(integration.adapter));
  if (!item.job || !integration || !adapter) return 'null';
  let payload: unknown;
  try {
    payload = JSON.parse(item.job.payload);
  } catch {
    return 'null';
  }
  const rules = { paths: [...(adapter.operations[item.operation]?.sensitive ?? []), ...integration.sensitive], values: integrationSecrets(integration, adapter) };
  return JSON.stringify(redact(payload, rules)) ?? 'null';
}

import { IntegrationError } from '../../core/errors.js';
import type { ExecutionFailure } from '../../core/executor.js';
import type { UnknownOutcome } from '../../reconcile/outcome.js';
import { planQuery } from '../../reconcile/plan.js';
import type { Session } from '../deps.js';

/** The command that settles an outcome by hand, as a user types it. */
export function markCommand(item: Pick<UnknownOutcome, 'log' | 'job'>): string {
  if (item.log) return `\`integrations reconcile ${item.log.id} --mark succeeded|failed --reason "…"\``;
  return `\`integrations queue reconcile ${item.job?.id} --as succeeded|dead\``;
}

/**
 * The exit-6 error of `run`, ending with the exact command that settles it:
 * `integrations reconcile <log-id>` when the adapter's query can answer (the
 * same check `reconcile` makes, on the same logged request), else what to
 * check and the `--mark` command.
 */
export async function withReconcileAdvice(outcome: ExecutionFailure, session: Session): Promise<IntegrationError> {
  const error = outcome.error;
  const advice = await adviceFor(outcome, session);
  return new IntegrationError(error.category, `${error.message}; ${advice}`, {
    provider: error.provider,
    retryAfterMs: error.retryAfterMs,
    requestSent: error.requestSent,
    issues: error.issues,
    details: error.details,
  });
}

async function adviceFor(outcome: ExecutionFailure, session: Session): Promise<string> {
  const row = outcome.logId === null ? undefined : await session.store.logs.get(outcome.logId);
  // A key left unknown by a drain that died mid-call has no row to name.
  if (!row) return `settle it with \`integrations reconcile --integration ${outcome.integration}\``;
  const integration = session.config.integrations[row.integration];
  const adapter = integration && (await session.registry.get(integration.adapter));
  const plan = adapter ? planQuery(adapter, row.integration, row.operation, row.request, row.idempotencyKey, 'logged request') : undefined;
  if (!plan || plan.by === 'query') return `settle it with \`integrations reconcile ${row.id}\``;
  return `${plan.why}; then record what happened with ${markCommand({ log: row, job: null })}`;
}

import type { ExecutionOutcome } from '../core/executor.js';

/** What providers call an effect that happened, one that did not, and one still in progress. */
const DONE = new Set(['succeeded', 'success', 'successful', 'completed', 'complete', 'paid', 'captured', 'delivered', 'sent', 'queued', 'accepted', 'processed', 'refunded', 'partially_refunded']);
const FAILED = new Set(['failed', 'failure', 'cancelled', 'canceled', 'rejected', 'declined', 'expired', 'reversed', 'undelivered', 'error']);
const PENDING = new Set(['pending', 'processing', 'in_progress', 'initiated', 'submitted', 'created', 'scheduled']);

/** What the provider's answer to the query says became of the operation. */
export type Verdict =
  | { status: 'succeeded'; detail: string }
  | { status: 'failed'; category: 'NOT_FOUND' | 'INVALID_REQUEST'; detail: string }
  | { status: 'unknown'; detail: string; byHand: boolean };

/**
 * A record that says the effect happened settles it as succeeded; "not
 * found" or a failed status as failed (it never took effect); a pending
 * status, an answer we cannot read, or a query that failed leaves it unknown.
 */
export function readAnswer(outcome: ExecutionOutcome): Verdict {
  if (!outcome.ok) {
    if (outcome.error.category === 'NOT_FOUND') return { status: 'failed', category: 'NOT_FOUND', detail: 'the provider has no record of it: it never took effect' };
    return { status: 'unknown', byHand: false, detail: `query failed: ${outcome.error.category}: ${outcome.error.message}` };
  }
  const status = statusOf(outcome.result);
  if (status === undefined || DONE.has(status)) return { status: 'succeeded', detail: status ? `the provider reports ${status}` : 'the provider has a record of it' };
  if (FAILED.has(status)) return { status: 'failed', category: 'INVALID_REQUEST', detail: `the provider reports ${status}: it did not take effect` };
  if (PENDING.has(status)) return { status: 'unknown', byHand: false, detail: `still ${status} at the provider; reconcile again later` };
  if (status === 'unknown') return { status: 'unknown', byHand: false, detail: `the provider cannot tell yet${describe(outcome.result)}; reconcile again later` };
  return { status: 'unknown', byHand: true, detail: `the provider reports "${status}", which is not a final state we know` };
}

function statusOf(result: unknown): string | undefined {
  if (!result || typeof result !== 'object') return undefined;
  const r = result as Record<string, unknown>;
  const value = r.status ?? r.state;
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

function describe(result: unknown): string {
  const text = (result as { resultDesc?: unknown }).resultDesc;
  return typeof text === 'string' && text ? ` (${text})` : '';
}

import type { AdapterDefinition } from '../core/adapter.js';
import { formatIssues } from '../core/executor.js';
import { REDACTED } from '../core/redact.js';

/** How an unknown outcome can be settled: by asking the provider with this query input, or only by hand (and why). */
export type QueryPlan = { by: 'query'; input: Record<string, unknown> } | { by: 'hand'; why: string };

/**
 * Builds the adapter's `query` input from what the unknown call sent (the
 * job's payload, or the logged request) and its idempotency key: query
 * schemas pick the identifiers they need (reference, tx_ref, order id...).
 * A logged request is redacted, so a query that would carry a redacted
 * value is not sent: it would ask about the wrong thing.
 */
export function planQuery(adapter: AdapterDefinition, integration: string, operation: string, sent: string, idempotencyKey: string, from: 'job' | 'logged request'): QueryPlan {
  const query = adapter.operations.query;
  if (!query) {
    const check = adapter.operations[operation]?.checkOutcome?.replaceAll('<integration>', integration);
    return { by: 'hand', why: `adapter ${adapter.name} has no query operation; ${check ?? 'check with the provider whether it took effect'}` };
  }
  const payload = parseJson(sent);
  const input = { ...(payload && typeof payload === 'object' && !Array.isArray(payload) ? payload : {}), idempotencyKey };
  const parsed = query.input.safeParse(input);
  if (!parsed.success) return { by: 'hand', why: `cannot build a ${adapter.name} query from the ${from} (${formatIssues(parsed.error, 'query').join('; ')})` };
  const redacted = redactedFields(parsed.data);
  if (redacted.length) return { by: 'hand', why: `cannot build a ${adapter.name} query from the ${from}: ${redacted.join(', ')} ${redacted.length === 1 ? 'was' : 'were'} redacted in the log` };
  return { by: 'query', input };
}

function redactedFields(value: unknown, at = 'query'): string[] {
  if (value === REDACTED) return [at];
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => redactedFields(v, `${at}.${k}`));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

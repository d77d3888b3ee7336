import { describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/core/errors.js';
import type { ExecutionOutcome } from '../../src/core/executor.js';
import { decide } from '../../src/queue/outcome.js';
import type { QueueJob } from '../../src/store/queue-types.js';

const NOW = Date.UTC(2026, 0, 1);
const retry = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 8_000 };

function job(attempts: number, maxAttempts = 5): QueueJob {
  return {
    id: 1, integration: 'pay', operation: 'charge', payload: '{}', tenant: null, idempotencyKey: 'k', correlationId: null, origin: 'enqueue',
    status: 'leased', priority: 0, runAt: NOW, attempts, maxAttempts, leaseOwner: 'me', leaseUntil: NOW + 1, abandonedOwner: null,
    lastErrorCategory: null, lastError: null, result: null, logId: null, createdAt: NOW, updatedAt: NOW, finishedAt: null,
  };
}

function failed(error: IntegrationError, attempts = 1): ExecutionOutcome {
  return { ok: false, integration: 'pay', operation: 'charge', error, logId: 9, attempts, durationMs: 1, idempotencyKey: 'k' };
}

const json = (v: unknown) => JSON.stringify(v);

describe('what a job becomes after an execution', () => {
  it('follows the full-jitter schedule: the ceiling doubles per attempt up to the cap', () => {
    const err = new IntegrationError('SERVER_ERROR', '503');
    const delays = [1, 2, 3, 4].map((attempt) => {
      const { settlement } = decide(job(attempt), failed(err), 'keyed', retry, NOW, () => 0.999, json);
      return (settlement as { runAt: number }).runAt - NOW;
    });
    expect(delays).toEqual([999, 1_998, 3_996, 7_992]);
    const zero = decide(job(1), failed(err), 'keyed', retry, NOW, () => 0, json);
    expect(zero).toMatchObject({ tally: 'retried', settlement: { status: 'retry', runAt: NOW } });
  });

  it('an interrupted call goes back due now, never dead: the attempt counts only if the request may have left', () => {
    const sent = new IntegrationError('INTERRUPTED', 'interrupted', { requestSent: true });
    expect(decide(job(5), failed(sent), 'keyed', retry, NOW, () => 0.5, json)).toMatchObject({ tally: 'retried', settlement: { status: 'retry', runAt: NOW } });
    const unsent = new IntegrationError('INTERRUPTED', 'interrupted', { requestSent: false });
    expect(decide(job(1), failed(unsent), 'unsafe', retry, NOW, () => 0.5, json)).toMatchObject({ tally: 'skipped', settlement: { status: 'released', runAt: NOW } });
  });

  it("uses the provider's Retry-After instead of the backoff", () => {
    const err = new IntegrationError('RATE_LIMITED', '429', { retryAfterMs: 42_000 });
    expect(decide(job(1), failed(err), 'unsafe', retry, NOW, () => 0.5, json).settlement).toMatchObject({ status: 'retry', runAt: NOW + 42_000 });
  });

  it('goes dead when the attempts are spent, or at once on a permanent failure', () => {
    const transient = new IntegrationError('TIMEOUT', 'slow');
    expect(decide(job(5), failed(transient), 'safe', retry, NOW, () => 0.5, json)).toMatchObject({ tally: 'dead', settlement: { status: 'dead', error: { category: 'TIMEOUT', message: 'gave up after 5 attempts: slow' } } });
    const permanent = new IntegrationError('AUTHENTICATION_FAILED', 'bad key');
    expect(decide(job(1), failed(permanent), 'safe', retry, NOW, () => 0.5, json)).toMatchObject({ tally: 'dead', settlement: { status: 'dead', error: { category: 'AUTHENTICATION_FAILED' } } });
  });

  it('an unknown outcome is never retried', () => {
    const unknown = new IntegrationError('OUTCOME_UNKNOWN', 'outcome unknown: timeout');
    expect(decide(job(1), failed(unknown), 'unsafe', retry, NOW, () => 0.5, json)).toMatchObject({ tally: 'unknown', settlement: { status: 'unknown' } });
  });

  it('gives the attempt back when the call never happened', () => {
    const open = new IntegrationError('CIRCUIT_OPEN', 'open', { retryAfterMs: 20_000, requestSent: false, details: { guard: 'circuit' } });
    // Keeps its place in line: the drain leaves the integration out while the circuit is open.
    const queued = { ...job(1), runAt: NOW - 5_000 };
    expect(decide(queued, failed(open), 'keyed', retry, NOW, () => 0.5, json)).toEqual({ tally: 'skipped', settlement: { status: 'released', runAt: NOW - 5_000, reason: { category: 'CIRCUIT_OPEN', message: 'open' } } });
    const bucket = new IntegrationError('RATE_LIMITED', 'local limit', { retryAfterMs: 2_500, requestSent: false, details: { guard: 'rate-limit' } });
    expect(decide(job(1), failed(bucket), 'keyed', retry, NOW, () => 0.5, json).settlement).toMatchObject({ status: 'released', runAt: NOW + 2_500 });
    const inFlight = new IntegrationError('CONFLICT', 'key in flight elsewhere', { retryAfterMs: 5 });
    expect(decide(job(1), failed(inFlight, 0), 'keyed', retry, NOW, () => 0.5, json)).toMatchObject({ tally: 'skipped', settlement: { status: 'released', runAt: NOW + 1_000 } });
    // A provider's own 409 is an answer: dead.
    expect(decide(job(1), failed(new IntegrationError('CONFLICT', 'duplicate'), 1), 'keyed', retry, NOW, () => 0.5, json).tally).toBe('dead');
  });

  it('keeps the (serialised) result on success', () => {
    const outcome: ExecutionOutcome = { ok: true, integration: 'pay', operation: 'charge', result: { id: 'c1' }, replayed: false, logId: 3, attempts: 1, durationMs: 1, idempotencyKey: 'k' };
    expect(decide(job(1), outcome, 'keyed', retry, NOW, () => 0.5, json)).toEqual({ tally: 'succeeded', settlement: { status: 'succeeded', result: '{"id":"c1"}', logId: 3 } });
  });
});

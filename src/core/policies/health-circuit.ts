import type { HealthStatus } from '../adapter.js';
import type { CircuitRepo } from '../../store/queue-types.js';
import { describeCircuit } from './circuit-breaker.js';

export type CircuitView = 'closed' | 'open' | 'half_open' | 'paused';

/**
 * Adds each integration's shared circuit state to its health report when
 * it is not closed (field `circuit`, and a note in the message). An
 * open, half-open or paused circuit means calls are refused right now
 * whatever the probe says, so a healthy probe becomes degraded.
 */
export async function withCircuitState<R extends { name: string; status: HealthStatus; message: string }>(
  circuits: CircuitRepo,
  reports: R[],
  now: number,
): Promise<(R & { circuit?: CircuitView })[]> {
  const records = new Map((await circuits.list()).map((r) => [r.integration, r]));
  return reports.map((report) => {
    const circuit = describeCircuit(records.get(report.name), now);
    // Closed is the normal state: reports stay as they were unless calls are being refused.
    if (circuit.state === 'closed') return report;
    const until = circuit.until === null ? '' : ` until ${new Date(circuit.until).toISOString()}`;
    const label = circuit.state === 'half_open' ? 'circuit half-open (next call is a trial)' : circuit.state === 'paused' ? `paused by the provider${until}` : `circuit open${until}`;
    return {
      ...report,
      status: report.status === 'healthy' ? 'degraded' : report.status,
      message: report.message ? `${report.message}; ${label}` : label,
      circuit: circuit.state,
    };
  });
}

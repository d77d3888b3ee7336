import type { OperationLogInput } from '../../src/store/types.js';

/** One operation log row as the executor writes it; a test overrides the fields it looks at. */
export function logRow(overrides: Partial<OperationLogInput> = {}): OperationLogInput {
  return {
    time: 1,
    integration: 'acme',
    adapter: 'mock',
    operation: 'echo',
    tenant: null,
    idempotencyKey: 'k',
    correlationId: 'c',
    status: 'ok',
    errorCategory: null,
    errorMessage: null,
    attempts: 1,
    durationMs: 0,
    request: '{}',
    response: '{}',
    ...overrides,
  };
}

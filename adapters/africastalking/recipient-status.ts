import { IntegrationError, type ErrorCategory } from '../../src/core/errors.js';

/**
 * Per-recipient statusCode in the send answer (providers.md §4; the list
 * comes from third-party code, the official table was not read). 1xx: taken
 * for delivery; 4xx/5xx: refused, and nothing was sent to that number.
 */
export const RECIPIENT_STATUS: Record<number, string> = {
  100: 'Processed',
  101: 'Sent',
  102: 'Queued',
  401: 'RiskHold',
  402: 'InvalidSenderId',
  403: 'InvalidPhoneNumber',
  404: 'UnsupportedNumberType',
  405: 'InsufficientBalance',
  406: 'UserInBlacklist',
  407: 'CouldNotRoute',
  500: 'InternalServerError',
  501: 'GatewayError',
  502: 'RejectedByGateway',
};

export const isAccepted = (statusCode: number) => statusCode >= 100 && statusCode < 200;

const CATEGORY: Record<number, { category: ErrorCategory; field?: string }> = {
  402: { category: 'VALIDATION_FAILED', field: 'from' },
  403: { category: 'VALIDATION_FAILED', field: 'to' },
  404: { category: 'VALIDATION_FAILED', field: 'to' },
  500: { category: 'SERVER_ERROR' },
  501: { category: 'SERVER_ERROR' },
  502: { category: 'SERVER_ERROR' },
};

/**
 * The error when Africa's Talking refused every recipient. It said so
 * explicitly, so no message left: requestSent is false, and even an unsafe
 * send may be tried again when the cause is transient (its 5xx codes).
 */
export function refusedError(statusCode: number, status: string, httpStatus: number, number?: string): IntegrationError {
  const { category, field } = CATEGORY[statusCode] ?? { category: 'INVALID_REQUEST' as const };
  return new IntegrationError(category, `Africa's Talking refused the SMS${number ? ` to ${number}` : ''}: ${status} (${statusCode})`, {
    provider: { status: httpStatus, code: String(statusCode), message: status, ...(field ? { field } : {}) },
    requestSent: false,
  });
}

import { IntegrationError, type ErrorCategory } from '../../src/core/errors.js';
import { categoryForStatus, parseRetryAfter } from '../../src/http/status-errors.js';
import type { HttpResponse } from '../../src/http/types.js';

/**
 * Africa's Talking answers request-level errors in plain text ("The supplied
 * authentication is invalid", "Request is missing required form field
 * 'to'"), occasionally as JSON; both keep their wording here. Nothing from
 * the request (the apiKey header) goes into the message.
 */
export function atError(res: HttpResponse, now: number, action: string): IntegrationError {
  const text = res.text().trim();
  let providerMessage = text;
  try {
    const json = JSON.parse(text) as { errorMessage?: string; message?: string; SMSMessageData?: { Message?: string } };
    providerMessage = json.errorMessage ?? json.message ?? json.SMSMessageData?.Message ?? text;
  } catch {
    // plain text, as documented
  }
  providerMessage = providerMessage.slice(0, 300) || `HTTP ${res.status}`;
  const field = res.status === 400 ? /field '([^']+)'/.exec(providerMessage)?.[1] : undefined;
  let category: ErrorCategory;
  if (res.status === 401 || res.status === 403) category = 'AUTHENTICATION_FAILED';
  else if (res.status === 400 && field) category = 'VALIDATION_FAILED';
  else category = categoryForStatus(res.status);
  return new IntegrationError(category, `Africa's Talking ${action} failed: ${providerMessage}`, {
    provider: { status: res.status, message: providerMessage, ...(field ? { field } : {}) },
    retryAfterMs: parseRetryAfter(res.headers['retry-after'], now),
  });
}

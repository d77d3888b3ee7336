import { IntegrationError, type ErrorCategory } from '../../src/core/errors.js';
import { categoryForStatus, parseRetryAfter } from '../../src/http/status-errors.js';
import type { HttpResponse } from '../../src/http/types.js';
import { parseErrorBody } from './xml.js';

/** S3's error codes (docs.aws.amazon.com AmazonS3 ErrorResponses), grouped by what the caller can do about them. */
const BY_CODE: Record<string, ErrorCategory> = {
  AccessDenied: 'AUTHENTICATION_FAILED',
  SignatureDoesNotMatch: 'AUTHENTICATION_FAILED',
  InvalidAccessKeyId: 'AUTHENTICATION_FAILED',
  InvalidToken: 'AUTHENTICATION_FAILED',
  ExpiredToken: 'AUTHENTICATION_FAILED',
  TokenRefreshRequired: 'AUTHENTICATION_FAILED',
  RequestTimeTooSkewed: 'AUTHENTICATION_FAILED',
  AccountProblem: 'AUTHENTICATION_FAILED',
  AllAccessDisabled: 'AUTHENTICATION_FAILED',
  Forbidden: 'AUTHENTICATION_FAILED',
  NoSuchKey: 'NOT_FOUND',
  NoSuchBucket: 'NOT_FOUND',
  NotFound: 'NOT_FOUND',
  SlowDown: 'RATE_LIMITED',
  TooManyRequests: 'RATE_LIMITED',
  InternalError: 'SERVER_ERROR',
  ServiceUnavailable: 'SERVER_ERROR',
  RequestTimeout: 'TIMEOUT',
  InvalidArgument: 'VALIDATION_FAILED',
  KeyTooLongError: 'VALIDATION_FAILED',
  InvalidBucketName: 'VALIDATION_FAILED',
  EntityTooLarge: 'VALIDATION_FAILED',
  // The bucket is in another region than the config says, or the endpoint is wrong.
  PermanentRedirect: 'CONFIG_INVALID',
  AuthorizationHeaderMalformed: 'CONFIG_INVALID',
  PreconditionFailed: 'CONFLICT',
  OperationAborted: 'CONFLICT',
};

/**
 * The IntegrationError for an S3 answer that is not a success, keeping S3's
 * Code and Message (`<Error><Code>…</Code><Message>…</Message></Error>`).
 * HEAD answers carry no body, so their status stands in for a code.
 */
export function s3Error(res: HttpResponse, now: number, action: string): IntegrationError {
  const body = parseErrorBody(res.text());
  const code = body.Code ?? (res.status === 404 ? 'NotFound' : res.status === 403 ? 'Forbidden' : undefined);
  const message = body.Message ?? (res.text().trim().slice(0, 200) || `HTTP ${res.status}`);
  const category = (code && BY_CODE[code]) || categoryForStatus(res.status);
  const field = body.ArgumentName ?? (code === 'KeyTooLongError' ? 'key' : code === 'InvalidBucketName' ? 'bucket' : undefined);
  return new IntegrationError(category, `S3 ${action} failed: ${message}${code ? ` (${code})` : ''}`, {
    provider: { status: res.status, ...(code ? { code } : {}), message, ...(field ? { field } : {}) },
    retryAfterMs: parseRetryAfter(res.headers['retry-after'], now),
    ...(body.RequestId || res.headers['x-amz-request-id'] ? { details: { requestId: body.RequestId ?? res.headers['x-amz-request-id'] } } : {}),
  });
}

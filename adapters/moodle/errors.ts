import { IntegrationError, type ErrorCategory } from '../../src/core/errors.js';

/**
 * Moodle reports failures as HTTP 200 with
 * `{"exception":"moodle_exception","errorcode":"invalidtoken","message":"…","debuginfo"?:"…"}`
 * (webservice/rest/locallib.php send_error); some patched installs use 4xx,
 * so the body decides, not the status (providers.md §8).
 */
export interface MoodleException {
  exception: string;
  errorcode?: string;
  message?: string;
  debuginfo?: string;
}

export function isMoodleException(body: unknown): body is MoodleException {
  return !!body && typeof body === 'object' && !Array.isArray(body) && typeof (body as { exception?: unknown }).exception === 'string';
}

const BY_ERRORCODE: Record<string, ErrorCategory> = {
  // The token is unknown, expired, restricted to other IPs, or its service does not include the function.
  invalidtoken: 'AUTHENTICATION_FAILED',
  accessexception: 'AUTHENTICATION_FAILED',
  servicerequireslogin: 'AUTHENTICATION_FAILED',
  requireloginerror: 'AUTHENTICATION_FAILED',
  usernotfullysetup: 'AUTHENTICATION_FAILED',
  forcepasswordchangenotice: 'AUTHENTICATION_FAILED',
  nopermissions: 'AUTHENTICATION_FAILED',
  nopermissiontoviewgrades: 'AUTHENTICATION_FAILED',
  wsusercannotassign: 'AUTHENTICATION_FAILED',
  invalidparameter: 'VALIDATION_FAILED',
  invalidrecord: 'NOT_FOUND',
  invalidrecordunknown: 'NOT_FOUND',
  invalidcoursemodule: 'NOT_FOUND',
  invalidcourseid: 'NOT_FOUND',
  invaliduser: 'NOT_FOUND',
  invaliduserid: 'NOT_FOUND',
  dmlreadexception: 'SERVER_ERROR',
  dmlwriteexception: 'SERVER_ERROR',
  sitemaintenance: 'SERVER_ERROR',
};

/** Some failures are known by their exception class rather than a distinctive code. */
const BY_EXCEPTION: Record<string, ErrorCategory> = {
  webservice_access_exception: 'AUTHENTICATION_FAILED',
  required_capability_exception: 'AUTHENTICATION_FAILED',
  require_login_exception: 'AUTHENTICATION_FAILED',
  restricted_context_exception: 'AUTHENTICATION_FAILED',
  invalid_parameter_exception: 'VALIDATION_FAILED',
  dml_missing_record_exception: 'NOT_FOUND',
  dml_read_exception: 'SERVER_ERROR',
  dml_write_exception: 'SERVER_ERROR',
};

/**
 * The IntegrationError for a Moodle exception, keeping its errorcode and
 * message. With debugging on, invalid_parameter_exception's debuginfo names
 * the parameter ("enrolments => Invalid parameter value detected (…)").
 */
export function moodleError(body: MoodleException, status: number, wsfunction: string): IntegrationError {
  const code = body.errorcode ?? body.exception;
  const message = body.message ?? body.exception;
  let category: ErrorCategory = BY_ERRORCODE[code] ?? BY_EXCEPTION[body.exception] ?? 'INVALID_REQUEST';
  // role_assign() refuses an unknown user with a coding_exception rather than a missing-record error.
  if (code === 'codingerror' && /user id does not exist/i.test(`${message} ${body.debuginfo ?? ''}`)) category = 'NOT_FOUND';
  const field = category === 'VALIDATION_FAILED' ? /^\s*([\w[\]]+)\s*=>/.exec(body.debuginfo ?? '')?.[1] : undefined;
  return new IntegrationError(category, `Moodle ${wsfunction} failed: ${message} (${code})`, {
    provider: { status, code, message, ...(field ? { field } : {}) },
    ...(body.debuginfo ? { details: { debuginfo: body.debuginfo.slice(0, 500), exception: body.exception } } : { details: { exception: body.exception } }),
  });
}

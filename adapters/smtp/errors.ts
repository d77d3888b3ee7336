import { IntegrationError, type ErrorCategory } from '../../src/core/errors.js';

/** How far a submission got when it failed: it decides whether the message may have been taken. */
export type SmtpStage = 'connect' | 'auth' | 'send';

/** What nodemailer puts on its errors (nodemailer errors.d.ts NodemailerError). */
interface NodemailerError extends Error {
  code?: string;
  originalCode?: string;
  command?: string;
  response?: string;
  responseCode?: number;
}

/** The request provably never left this machine. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** Node's codes for a server certificate it will not trust. */
const CERTIFICATE_PROBLEMS = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS/;

/** "550 5.1.1 <a@b>: Recipient address rejected" -> "5.1.1" (RFC 3463). */
function enhancedStatus(response: string | undefined): string | undefined {
  return response ? /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/.exec(response)?.[1] : undefined;
}

/** Which of our fields a refusal is about, from the command the server refused. */
function fieldOf(command: string | undefined): string | undefined {
  if (command?.startsWith('RCPT')) return 'to';
  if (command?.startsWith('MAIL')) return 'from';
  return undefined;
}

/**
 * An SMTP reply code is the server's own word: a 4xx or 5xx means it did
 * not take the message (any recipient it did take makes the send succeed
 * instead, with the others listed as rejected), so nothing went out and
 * even this unsafe operation may go again, as with an HTTP 429. Without a
 * reply, what matters is how far the session got: a failure before the
 * message was handed over sent nothing; one while handing it over may have
 * left it with the server.
 */
export function smtpError(err: unknown, stage: SmtpStage, options: { aborted?: boolean; server: string } = { server: 'the SMTP server' }): IntegrationError {
  const e = (err ?? {}) as NodemailerError;
  const mayHaveSent = stage === 'send';
  if (options.aborted) {
    return new IntegrationError('TIMEOUT', `${options.server} did not finish the ${stage === 'send' ? 'message' : stage} in time`, { requestSent: mayHaveSent, cause: err });
  }
  const code = e.responseCode;
  if (typeof code === 'number' && code >= 400) {
    const response = e.response ?? e.message;
    const enhanced = enhancedStatus(response);
    const field = fieldOf(e.command);
    let category: ErrorCategory;
    if (code === 535 || code === 534 || code === 530 || code === 538 || (stage === 'auth' && code >= 500)) category = 'AUTHENTICATION_FAILED';
    else if (code < 500) category = /rate|too many|throttl/i.test(response) ? 'RATE_LIMITED' : 'SERVER_ERROR';
    else if (code === 501 && field) category = 'VALIDATION_FAILED';
    else category = 'INVALID_REQUEST';
    return new IntegrationError(category, `SMTP ${e.command ?? stage} refused: ${response}`, {
      provider: { code: String(code), message: response, ...(field ? { field } : {}) },
      requestSent: false,
      ...(enhanced || e.command ? { details: { ...(enhanced ? { enhancedStatus: enhanced } : {}), ...(e.command ? { command: e.command } : {}) } } : {}),
      cause: err,
    });
  }
  const system = e.originalCode ?? e.code ?? '';
  if (NOT_CONNECTED.has(system) || e.code === 'EDNS') {
    return new IntegrationError('NETWORK_ERROR', `cannot connect to ${options.server} (${system || e.code})`, { requestSent: false, cause: err });
  }
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH') {
    return new IntegrationError('AUTHENTICATION_FAILED', `SMTP authentication failed: ${e.message}`, { requestSent: false, cause: err });
  }
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') {
    return new IntegrationError('VALIDATION_FAILED', `SMTP message refused before sending: ${e.message}`, { requestSent: false, cause: err });
  }
  if (e.code === 'ETLS' || CERTIFICATE_PROBLEMS.test(system)) {
    return new IntegrationError('NETWORK_ERROR', `TLS with ${options.server} failed: ${e.message} (a private CA goes in tlsCa)`, { requestSent: false, cause: err });
  }
  if (e.code === 'ETIMEDOUT') {
    return new IntegrationError('TIMEOUT', `${options.server} timed out${mayHaveSent ? ' while taking the message' : ''}: ${e.message}`, { requestSent: mayHaveSent, cause: err });
  }
  return new IntegrationError('NETWORK_ERROR', `connection to ${options.server} failed${mayHaveSent ? ' while handing over the message' : ''}: ${e.message}`, { requestSent: mayHaveSent, cause: err });
}

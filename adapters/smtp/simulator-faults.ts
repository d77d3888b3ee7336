/**
 * What the simulated server can be told to do instead of its normal
 * answer, at one step of the session: refuse with a reply code (421 at
 * connect, 454/535 at AUTH, 451/550 at MAIL/RCPT/DATA), or, once the
 * message has been read, never answer (stall) or hang up (drop) — the
 * ambiguous endings in which the server may have queued the message.
 */
export type SmtpStep = 'connect' | 'auth' | 'mail' | 'rcpt' | 'data';

export type SmtpFault =
  | { step: SmtpStep; code: number; message?: string }
  | { step: 'data'; kind: 'stall' | 'drop' };

const DEFAULT_TEXT: Record<number, string> = {
  421: '4.3.2 Service not available, closing transmission channel',
  450: '4.2.1 Mailbox temporarily unavailable',
  451: '4.3.0 Local error in processing, try again later',
  452: '4.3.1 Insufficient system storage',
  454: '4.7.0 Temporary authentication failure',
  535: '5.7.8 Authentication credentials invalid',
  550: '5.1.1 Mailbox unavailable',
  552: '5.3.4 Message size exceeds fixed maximum message size',
  554: '5.7.1 Message rejected as spam',
};

/** An Error smtp-server turns into the reply `code message`. */
export function replyError(code: number, message?: string): Error & { responseCode: number } {
  return Object.assign(new Error(message ?? DEFAULT_TEXT[code] ?? 'Requested action not taken'), { responseCode: code });
}

export class FaultQueue {
  private readonly queue: { fault: SmtpFault; remaining: number }[] = [];

  add(fault: SmtpFault, times: number): void {
    this.queue.push({ fault, remaining: times });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** The fault for this step, if one is due; each use counts down. */
  take(step: SmtpStep): SmtpFault | undefined {
    const i = this.queue.findIndex((q) => q.fault.step === step);
    if (i < 0) return undefined;
    const entry = this.queue[i];
    if (--entry.remaining <= 0) this.queue.splice(i, 1);
    return entry.fault;
  }
}

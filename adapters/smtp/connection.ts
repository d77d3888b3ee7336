import SMTPConnection, { type SMTPConnectionOptions, type SMTPConnectionSendInfo, type SMTPEnvelope } from 'nodemailer/lib/smtp-connection';
import type { SmtpConfig } from './config.js';
import { smtpError, type SmtpStage } from './errors.js';

/** Connection settings shared by a send session and the health check's verify(). */
export function connectionOptions(config: SmtpConfig): SMTPConnectionOptions {
  return {
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: config.requireTLS,
    ...(config.clientName ? { name: config.clientName } : {}),
    connectionTimeout: config.connectionTimeoutMs,
    greetingTimeout: config.connectionTimeoutMs,
    socketTimeout: config.socketTimeoutMs,
    tls: {
      ...(config.tlsCa ? { ca: [config.tlsCa] } : {}),
      ...(config.tlsServername ? { servername: config.tlsServername } : {}),
      minVersion: 'TLSv1.2',
    },
    logger: false,
  };
}

export function serverName(config: SmtpConfig): string {
  return `smtp://${config.host}:${config.port}`;
}

/**
 * One SMTP session as promises, remembering how far it got (connect, auth,
 * send) so a failure can say whether the message may have been handed
 * over. Aborting the signal closes the socket.
 */
export class SmtpSession {
  stage: SmtpStage = 'connect';
  private readonly conn: SMTPConnection;

  constructor(
    private readonly config: SmtpConfig,
    private readonly signal: AbortSignal,
  ) {
    this.conn = new SMTPConnection(connectionOptions(config));
    // nodemailer emits 'error' as well as failing the pending call; a late one must not go unhandled.
    this.conn.on('error', () => undefined);
  }

  /** Under TLS: implicit (secure) or upgraded by STARTTLS. */
  get secure(): boolean {
    return this.conn.secure || this.conn.secureConnection;
  }

  connect(): Promise<void> {
    return this.step('connect', (done) => this.conn.connect((err) => done(err ?? null)));
  }

  login(user: string, pass: string): Promise<void> {
    return this.step('auth', (done) => this.conn.login({ user, pass }, (err) => done(err)));
  }

  send(envelope: SMTPEnvelope, message: Buffer): Promise<SMTPConnectionSendInfo> {
    return this.step('send', (done) => this.conn.send(envelope, message, done));
  }

  /** Says goodbye politely; the session's outcome is already known. */
  quit(): void {
    try {
      this.conn.quit();
    } catch {
      this.conn.close();
    }
  }

  close(): void {
    this.conn.close();
  }

  private step<T>(stage: SmtpStage, run: (done: (err: Error | null, result?: T) => void) => void): Promise<T> {
    this.stage = stage;
    const server = serverName(this.config);
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (err: unknown, result?: T) => {
        if (settled) return;
        settled = true;
        this.conn.off('error', onError);
        this.conn.off('end', onEnd);
        this.signal.removeEventListener('abort', onAbort);
        if (err) reject(smtpError(err, stage, { aborted: this.signal.aborted, server }));
        else resolve(result as T);
      };
      const onError = (err: Error) => finish(err);
      const onEnd = () => finish(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' }));
      const onAbort = () => {
        this.conn.close();
        finish(new Error('aborted'));
      };
      if (this.signal.aborted) return onAbort();
      this.conn.once('error', onError);
      this.conn.once('end', onEnd);
      this.signal.addEventListener('abort', onAbort, { once: true });
      run((err, result) => finish(err, result));
    });
  }
}

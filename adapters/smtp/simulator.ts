import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import selfsigned from 'selfsigned';
import { SMTPServer, type SMTPServerAddress, type SMTPServerAuthentication, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { RunningSimulator, SimulatorOptions } from '../../src/core/adapter.js';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { FaultQueue, replyError, type SmtpFault } from './simulator-faults.js';

/**
 * A loopback SMTP submission server (smtp-server): STARTTLS with a
 * certificate generated at start for 127.0.0.1 and localhost (simulator
 * only: its key lives in memory and dies with it), AUTH PLAIN and LOGIN
 * allowed only after TLS, every message recorded, and scriptable refusals
 * (421, 451, 535, 550…) and ambiguous endings (stall, drop after DATA).
 */
export interface SmtpSimulatorOptions extends SimulatorOptions {
  /** false: sessions may send without AUTH (an open relay on loopback). */
  requireAuth?: boolean;
  /** false: STARTTLS is not offered (to test requireTLS). */
  starttls?: boolean;
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  user?: string;
  /** Whether the session was under TLS when the message came. */
  tls: boolean;
  receivedAt: number;
  queueId: string;
}

export class SmtpSimulator implements RunningSimulator {
  readonly messages: ReceivedMail[] = [];
  readonly credentials = { user: 'sim-sender', password: randomBytes(12).toString('hex'), from: 'noreply@example.com' };
  /** The PEM certificate the server presents: the CA an integration must trust. */
  certificate = '';
  url = '';
  config: Record<string, unknown> = {};
  /** Authentication attempts, by user name and outcome (never the password). */
  readonly logins: { user: string; method: string; ok: boolean }[] = [];

  private readonly faults = new FaultQueue();
  private readonly rejected = new Map<string, { code: number; message: string }>();
  private readonly clock: Clock;
  private server?: SMTPServer;
  private readonly stalled = new Set<(err?: Error | null, message?: string) => void>();

  constructor(private readonly options: SmtpSimulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  async start(): Promise<this> {
    const host = this.options.host ?? '127.0.0.1';
    const generated = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 7 * 86_400_000),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
      ],
    });
    this.certificate = generated.cert;
    const requireAuth = this.options.requireAuth !== false;
    this.server = new SMTPServer({
      name: 'smtp.simulator.local',
      banner: 'integrations SMTP simulator',
      key: generated.private,
      cert: generated.cert,
      authMethods: ['PLAIN', 'LOGIN'],
      authOptional: !requireAuth,
      allowInsecureAuth: false,
      disabledCommands: this.options.starttls === false ? ['STARTTLS'] : [],
      hideSTARTTLS: this.options.starttls === false,
      size: 10 * 1024 * 1024,
      logger: false,
      closeTimeout: 100,
      onConnect: (_session, done) => this.onConnect(done),
      onAuth: (auth, session, done) => this.onAuth(auth, session, done),
      onMailFrom: (address, session, done) => this.onMailFrom(address, session, done),
      onRcptTo: (address, session, done) => this.onRcptTo(address, session, done),
      onData: (stream, session, done) => this.onData(stream, session, done),
    });
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      this.server!.server.once('error', reject);
      this.server!.listen(this.options.port ?? 0, host, () => resolve());
    });
    const port = (this.server.server.address() as AddressInfo).port;
    this.url = `smtp://${host}:${port}`;
    const { user, password, from } = this.credentials;
    this.config = { host, port, secure: false, requireTLS: this.options.starttls !== false, user, password, from, tlsCa: this.certificate };
    return this;
  }

  async close(): Promise<void> {
    for (const done of this.stalled) done(replyError(421, '4.3.2 Shutting down'));
    this.stalled.clear();
    const server = this.server;
    if (!server) return;
    for (const connection of server.connections) connection.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next `times` times the session reaches `fault.step`, this happens instead. */
  failNext(fault: SmtpFault, times = 1): this {
    this.faults.add(fault, times);
    return this;
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** This mailbox is refused at RCPT TO from now on (550 unknown user by default). */
  rejectRecipient(address: string, code = 550, message = `5.1.1 <${address}>: Recipient address rejected: User unknown in virtual mailbox table`): this {
    this.rejected.set(address.toLowerCase(), { code, message });
    return this;
  }

  private coded(step: 'connect' | 'auth' | 'mail' | 'rcpt'): Error | undefined {
    const fault = this.faults.take(step);
    return fault && 'code' in fault ? replyError(fault.code, fault.message) : undefined;
  }

  private onConnect(done: (err?: Error | null) => void): void {
    done(this.coded('connect'));
  }

  private onAuth(auth: SMTPServerAuthentication, _session: SMTPServerSession, done: (err: Error | null | undefined, response?: { user?: unknown }) => void): void {
    const fault = this.coded('auth');
    const ok = !fault && auth.username === this.credentials.user && auth.password === this.credentials.password;
    this.logins.push({ user: auth.username ?? '', method: auth.method, ok });
    if (fault) return done(fault);
    if (!ok) return done(replyError(535, '5.7.8 Error: authentication failed: Invalid username or password'));
    done(null, { user: auth.username });
  }

  private onMailFrom(_address: SMTPServerAddress, session: SMTPServerSession, done: (err?: Error | null) => void): void {
    if (this.options.requireAuth !== false && !session.user) return done(replyError(530, '5.7.0 Authentication required'));
    done(this.coded('mail'));
  }

  private onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, done: (err?: Error | null) => void): void {
    const refused = this.rejected.get(address.address.toLowerCase());
    if (refused) return done(replyError(refused.code, refused.message));
    done(this.coded('rcpt'));
  }

  private onData(stream: SMTPServerDataStream, session: SMTPServerSession, done: (err?: Error | null, message?: string) => void): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const fault = this.faults.take('data');
      if (fault && 'code' in fault) return done(replyError(fault.code, fault.message));
      const queueId = randomBytes(5).toString('hex').toUpperCase();
      // Stall and drop happen after the server has the message: it may well deliver it.
      this.messages.push({
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: session.envelope.rcptTo.map((r) => r.address),
        raw: Buffer.concat(chunks).toString('utf8'),
        ...(typeof session.user === 'string' ? { user: session.user } : {}),
        tls: session.secure,
        receivedAt: this.clock.now(),
        queueId,
      });
      if (fault && 'kind' in fault && fault.kind === 'stall') {
        this.stalled.add(done);
        return;
      }
      if (fault && 'kind' in fault && fault.kind === 'drop') {
        for (const connection of this.server?.connections ?? []) if (connection.session === session) connection.close();
        return;
      }
      done(null, `2.0.0 Ok: queued as ${queueId}`);
    });
  }
}

export async function startSmtpSimulator(options: SmtpSimulatorOptions = {}): Promise<SmtpSimulator> {
  return new SmtpSimulator(options).start();
}

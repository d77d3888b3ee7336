import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { SimulatorOptions } from '../../src/core/adapter.js';
import { ProviderSimulator } from '../../src/core/provider-simulator.js';
import { deliverCallback, type PostedCallback, type SimReply, type SimRequest } from '../../src/core/simulator.js';
import { mailProblems, parseActivityQuery, rowsOf, sendgridFailure, type SendgridErrorReply } from './simulator-checks.js';
import type { SendgridEvent } from './webhook.js';

/**
 * A local SendGrid v3: Bearer API keys with scopes, Mail Send (202 with
 * X-Message-Id, 200 in sandbox mode, every error at once in SendGrid's
 * shape, rate-limit headers), /v3/scopes, the Email Activity API, and the
 * Signed Event Webhook: batches of processed and delivered (or bounce,
 * dropped) events POSTed to the callback URL, signed with ECDSA by a key
 * pair the simulator makes; its public half verifies them.
 */
export interface SendgridSimulatorOptions extends SimulatorOptions {
  callbackDelayMs?: number;
  /** false: events are posted only when advance() is called. */
  autoDeliver?: boolean;
  scopes?: string[];
  /** Verified Sender Identities. */
  senders?: string[];
}

export type Outcome = { event: 'delivered' } | { event: 'bounce'; reason?: string } | { event: 'dropped'; reason?: string };

export type PostedBatch = PostedCallback;

interface Row {
  email: string;
  /** Its personalization's custom_args: they come back as top-level fields of each of its events. */
  customArgs: Record<string, string>;
  msgId: string;
  status: 'processed' | 'delivered' | 'not_delivered';
  lastEventTime: number;
}

interface SimMail {
  messageId: string;
  from: string;
  subject: string;
  rows: Row[];
  categories: string[];
  planned?: Outcome;
  stage: 'accepted' | 'processed' | 'done';
}

const LIMIT = 600;

export class SendgridSimulator extends ProviderSimulator {
  readonly mails = new Map<string, SimMail>();
  readonly batches: PostedBatch[] = [];
  readonly credentials = { apiKey: `SG.${randomBytes(16).toString('base64url').slice(0, 22)}.${randomBytes(32).toString('base64url').slice(0, 43)}`, from: 'noreply@example.com' };
  /** Base64 DER of the Event Webhook verification key, as the SendGrid dashboard shows it. */
  readonly publicKey: string;
  /** Webhook settings for the integration receiving this simulator's events. */
  webhook: { scheme: string; secrets: string[] } = { scheme: 'sendgrid', secrets: [] };

  private readonly privateKey: KeyObject;
  private readonly outcomes: Outcome[] = [];
  private readonly scopes: string[];
  private readonly senders: string[];
  private stallsAfterAccept = 0;
  private remaining = LIMIT;
  private callbackUrl = '';

  constructor(private readonly options: SendgridSimulatorOptions = {}) {
    super(options);
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    this.privateKey = privateKey;
    this.publicKey = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    this.scopes = options.scopes ?? ['mail.send', 'messages.read', 'user.webhooks.event.settings.read'];
    this.senders = options.senders ?? [this.credentials.from];
    this.server
      .route('POST', '/v3/mail/send', (req) => this.mailSend(req))
      .route('GET', '/v3/scopes', (req) => this.listScopes(req))
      .route('GET', '/v3/messages', (req) => this.activity(req))
      .route('POST', '/simulator/callbacks', () => ({ status: 200, body: '' }));
  }

  protected onListening(url: string): void {
    this.callbackUrl = this.options.callbackUrl ?? `${url}/simulator/callbacks`;
    this.config = { apiKey: this.credentials.apiKey, from: this.credentials.from, baseUrl: url };
    this.webhook = { scheme: 'sendgrid', secrets: [this.publicKey] };
  }

  /** The next mails end this way, in order; unscripted ones are delivered. */
  queueOutcome(...outcomes: Outcome[]): this {
    this.outcomes.push(...outcomes);
    return this;
  }

  /** The next `times` sends are taken (their events follow) but their HTTP answer never comes. */
  acceptThenStall(times = 1): this {
    this.stallsAfterAccept += times;
    return this;
  }

  /** Processes a mail and then delivers (or bounces, drops) it, posting a signed batch for each step. */
  async advance(messageId: string): Promise<void> {
    const mail = this.mails.get(messageId);
    if (!mail) throw new Error(`no mail ${messageId}`);
    const outcome = mail.planned ?? { event: 'delivered' };
    if (mail.stage === 'accepted' && outcome.event !== 'dropped') {
      if (this.options.callbackDelayMs) await this.clock.sleep(this.options.callbackDelayMs);
      mail.stage = 'processed';
      await this.postEvents(mail.rows.map((row) => this.event(mail, row, 'processed')));
    }
    if (mail.stage === 'done') return;
    if (this.options.callbackDelayMs) await this.clock.sleep(this.options.callbackDelayMs);
    mail.stage = 'done';
    const events = mail.rows.map((row) => {
      row.status = outcome.event === 'delivered' ? 'delivered' : 'not_delivered';
      row.lastEventTime = this.clock.now();
      if (outcome.event === 'delivered') return this.event(mail, row, 'delivered', { response: '250 2.0.0 OK' });
      if (outcome.event === 'bounce') return this.event(mail, row, 'bounce', { type: 'bounce', status: '5.1.1', reason: outcome.reason ?? "550 5.1.1 The email account that you tried to reach does not exist." });
      return this.event(mail, row, 'dropped', { reason: outcome.reason ?? 'Bounced Address' });
    });
    await this.postEvents(events);
  }

  /** Signs a batch as SendGrid does and POSTs it to the callback URL. */
  async postEvents(events: SendgridEvent[]): Promise<void> {
    const body = JSON.stringify(events);
    const timestamp = String(Math.floor(this.clock.now() / 1000));
    const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), { key: this.privateKey, dsaEncoding: 'der' }).toString('base64');
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'SendGrid Event API',
      'x-twilio-email-event-webhook-signature': signature,
      'x-twilio-email-event-webhook-timestamp': timestamp,
    };
    this.batches.push(await deliverCallback(this.callbackUrl, body, headers));
  }

  private event(mail: SimMail, row: Row, event: string, extra: Record<string, unknown> = {}): SendgridEvent {
    return {
      email: row.email,
      timestamp: Math.floor(this.clock.now() / 1000),
      'smtp-id': `<${mail.messageId}@geopod-ismtpd-sim>`,
      event,
      ...(mail.categories.length ? { category: mail.categories } : {}),
      sg_event_id: randomBytes(16).toString('base64url'),
      sg_message_id: row.msgId,
      ...row.customArgs,
      ...extra,
    };
  }

  private rateHeaders(): Record<string, string> {
    return { 'x-ratelimit-limit': String(LIMIT), 'x-ratelimit-remaining': String(this.remaining), 'x-ratelimit-reset': String(Math.floor(this.clock.now() / 1000) + 60) };
  }

  private denied(req: SimRequest, scope?: string): SendgridErrorReply | undefined {
    const header = req.headers.authorization;
    if (!header) return sendgridFailure(401, null, 'authorization required');
    if (header !== `Bearer ${this.credentials.apiKey}`) return sendgridFailure(401, null, 'The provided authorization grant is invalid, expired, or revoked');
    if (scope && !this.scopes.includes(scope)) return sendgridFailure(403, null, 'access forbidden');
    return undefined;
  }

  private mailSend(req: SimRequest): SimReply | void {
    const denied = this.denied(req, 'mail.send');
    if (denied) return denied;
    const mail = req.parsed && typeof req.parsed === 'object' && !Array.isArray(req.parsed) ? (req.parsed as Parameters<typeof mailProblems>[0] & Record<string, unknown>) : undefined;
    if (!mail) return { ...sendgridFailure(400, null, 'Bad Request'), headers: this.rateHeaders() };
    const problems = mailProblems(mail);
    if (problems.length) return { status: 400, headers: this.rateHeaders(), body: { errors: problems } };
    const from = String((mail.from as { email: string }).email);
    if (!this.senders.includes(from)) {
      return {
        ...sendgridFailure(403, 'from', 'The from address does not match a verified Sender Identity. Mail cannot be sent until this error is resolved. Visit https://sendgrid.com/docs/for-developers/sending-email/sender-identity/ to see the Sender Identity requirements'),
        headers: this.rateHeaders(),
      };
    }
    this.remaining = Math.max(0, this.remaining - 1);
    const sandbox = (mail.mail_settings as { sandbox_mode?: { enable?: unknown } } | undefined)?.sandbox_mode?.enable === true;
    if (sandbox) return { status: 200, headers: this.rateHeaders() };
    const messageId = randomBytes(16).toString('base64url').slice(0, 22);
    const personalization = (mail.personalizations as { subject?: string }[])[0];
    const node = randomBytes(5).toString('hex');
    const record: SimMail = {
      messageId,
      from,
      subject: String(personalization.subject ?? mail.subject ?? ''),
      rows: rowsOf(mail).map(({ email, customArgs }, i) => ({
        email,
        customArgs,
        msgId: `${messageId}.filterdrecv-${node}-${i + 1}-${Math.floor(this.clock.now() / 1000).toString(16).toUpperCase()}-${i}.0`,
        status: 'processed',
        lastEventTime: this.clock.now(),
      })),
      categories: (mail.categories as string[]) ?? [],
      planned: this.outcomes.shift(),
      stage: 'accepted',
    };
    this.mails.set(messageId, record);
    if (this.options.autoDeliver !== false) this.later(() => this.advance(messageId));
    if (this.stallsAfterAccept > 0) {
      this.stallsAfterAccept--;
      return;
    }
    return { status: 202, headers: { ...this.rateHeaders(), 'x-message-id': messageId } };
  }

  private listScopes(req: SimRequest): SimReply {
    const denied = this.denied(req);
    if (denied) return denied;
    return { body: { scopes: this.scopes } };
  }

  private activity(req: SimRequest): SimReply {
    const denied = this.denied(req, 'messages.read');
    if (denied) return denied;
    const query = parseActivityQuery(req.query.query ?? '');
    if (!query) return sendgridFailure(400, 'query', 'invalid query syntax');
    const limit = Math.min(1000, Number(req.query.limit) || 10);
    const rows = [...this.mails.values()]
      .flatMap((mail) => mail.rows.map((row) => ({ mail, row })))
      .filter(({ mail, row }) => ('msgIdPrefix' in query ? row.msgId.startsWith(query.msgIdPrefix) : row.email === query.toEmail && mail.subject === query.subject))
      .sort((a, b) => b.row.lastEventTime - a.row.lastEventTime)
      .slice(0, limit);
    return {
      body: {
        messages: rows.map(({ mail, row }) => ({
          from_email: mail.from,
          msg_id: row.msgId,
          subject: mail.subject,
          to_email: row.email,
          status: row.status,
          opens_count: 0,
          clicks_count: 0,
          last_event_time: new Date(row.lastEventTime).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        })),
      },
    };
  }
}

export async function startSendgridSimulator(options: SendgridSimulatorOptions = {}): Promise<SendgridSimulator> {
  return new SendgridSimulator(options).start();
}

import { randomBytes } from 'node:crypto';
import type { SimulatorOptions } from '../../src/core/adapter.js';
import { ProviderSimulator } from '../../src/core/provider-simulator.js';
import { postCallback, type SimReply, type SimRequest } from '../../src/core/simulator.js';
import { twilioSignature } from './signature.js';
import { createProblem, messageResource, rfc2822, segmentCount, twilioFailure, twilioSid, type TwilioErrorReply } from './simulator-messages.js';

/**
 * A local Twilio Messaging API: Basic auth with the account's SID and auth
 * token, Messages create / fetch / list, Account and Balance, Twilio's error
 * bodies, and signed status callbacks (X-Twilio-Signature over the
 * StatusCallback URL and the sorted form params) for sent and the final
 * status.
 */
export interface TwilioSimulatorOptions extends SimulatorOptions {
  /** Wait (on the clock) before each status change. */
  callbackDelayMs?: number;
  /** false: messages stay queued until advance() is called. */
  autoDeliver?: boolean;
  /** Prepaid balance in USD. */
  initialBalance?: number;
  accountStatus?: 'active' | 'suspended' | 'closed';
  accountType?: 'Full' | 'Trial';
}

export interface FinalStatus {
  status: 'delivered' | 'undelivered' | 'failed';
  /** 30003 unreachable handset, 30005 unknown destination, 30006 landline, 30007 carrier filtering. */
  errorCode?: number;
}

export interface DeliveredCallback {
  url: string;
  /** The receiver's HTTP status; 0 when it could not be reached. */
  status: number;
  params: URLSearchParams;
  headers: Record<string, string>;
}

interface SimMessage {
  resource: Record<string, unknown> & { sid: string; status: string; to: string; from: string | null };
  callbackUrl?: string;
  planned?: FinalStatus;
}

const PRICE_PER_SEGMENT = 0.0079;

export class TwilioSimulator extends ProviderSimulator {
  readonly messages = new Map<string, SimMessage>();
  readonly callbacks: DeliveredCallback[] = [];
  readonly credentials = { accountSid: twilioSid('AC'), authToken: randomBytes(16).toString('hex'), from: '+15005550006', messagingServiceSid: twilioSid('MG') };
  /** Webhook settings for an integration that receives this simulator's callbacks: Twilio signs with the auth token. */
  webhook: { scheme: string; secrets: string[] } = { scheme: 'twilio', secrets: [] };
  balance: number;

  private readonly outcomes: FinalStatus[] = [];
  private stallsAfterAccept = 0;

  constructor(private readonly options: TwilioSimulatorOptions = {}) {
    super(options);
    this.balance = options.initialBalance ?? 20;
    const account = '/2010-04-01/Accounts/:accountSid';
    this.server
      .route('POST', `${account}/Messages.json`, (req) => this.create(req))
      .route('GET', `${account}/Messages.json`, (req) => this.list(req))
      .route('GET', `${account}/Messages/:sid.json`, (req) => this.fetch(req))
      .route('GET', `${account}/Balance.json`, (req) => this.fetchBalance(req))
      .route('GET', `${account}.json`, (req) => this.fetchAccount(req))
      // Where callbacks go when no receiver was named, so `simulate` works on its own.
      .route('POST', '/simulator/callbacks', () => ({ status: 200, body: '' }));
  }

  protected onListening(url: string): void {
    const { accountSid, authToken, from } = this.credentials;
    this.config = { accountSid, authToken, from, baseUrl: url, ...(this.options.callbackUrl ? { statusCallbackUrl: this.options.callbackUrl } : {}) };
    this.webhook = { scheme: 'twilio', secrets: [authToken] };
  }

  /** The next messages end this way, in order; unscripted ones are delivered. */
  queueOutcome(...outcomes: FinalStatus[]): this {
    this.outcomes.push(...outcomes);
    return this;
  }

  /** The next `times` sends create their message (and its callbacks follow) but the HTTP answer never comes. */
  acceptThenStall(times = 1): this {
    this.stallsAfterAccept += times;
    return this;
  }

  /** Moves a queued message to sent and then to its final status, posting a callback for each. */
  async advance(sid: string, final?: FinalStatus): Promise<void> {
    const message = this.messages.get(sid);
    if (!message) throw new Error(`no message ${sid}`);
    if (message.resource.status === 'queued' || message.resource.status === 'accepted') {
      if (this.options.callbackDelayMs) await this.clock.sleep(this.options.callbackDelayMs);
      const body = typeof message.resource.body === 'string' ? message.resource.body : '';
      const segments = body ? segmentCount(body) : 1;
      const price = segments * PRICE_PER_SEGMENT;
      this.balance -= price;
      // A Messaging Service picks the sender from its pool when the message leaves; only then are its segments counted.
      this.setStatus(message, 'sent', { date_sent: rfc2822(this.clock.now()), price: (-price).toFixed(5), num_segments: String(segments), from: message.resource.from ?? this.credentials.from });
      await this.notify(message);
    }
    if (message.resource.status !== 'sent') return;
    if (this.options.callbackDelayMs) await this.clock.sleep(this.options.callbackDelayMs);
    const outcome = final ?? message.planned ?? { status: 'delivered' };
    this.setStatus(message, outcome.status, outcome.errorCode ? { error_code: outcome.errorCode, error_message: null } : {});
    await this.notify(message);
  }

  private setStatus(message: SimMessage, status: string, fields: Record<string, unknown>): void {
    Object.assign(message.resource, fields, { status, date_updated: rfc2822(this.clock.now()) });
  }

  private async notify(message: SimMessage): Promise<void> {
    if (!message.callbackUrl) return;
    const r = message.resource;
    const params = new URLSearchParams({ SmsSid: r.sid, SmsStatus: r.status, MessageStatus: r.status, To: r.to, MessageSid: r.sid, AccountSid: this.credentials.accountSid });
    if (r.messaging_service_sid) params.set('MessagingServiceSid', String(r.messaging_service_sid));
    if (r.from) params.set('From', r.from);
    params.set('ApiVersion', '2010-04-01');
    if (r.error_code) params.set('ErrorCode', String(r.error_code));
    const headers = {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'x-twilio-signature': twilioSignature(this.credentials.authToken, message.callbackUrl, params),
      'i-twilio-idempotency-token': randomBytes(16).toString('hex'),
      'user-agent': 'TwilioProxy/1.1',
    };
    const status = await postCallback(message.callbackUrl, params.toString(), headers);
    this.callbacks.push({ url: message.callbackUrl, status, params, headers });
  }

  /** The account's problem with the request's credentials, as Twilio reports it. */
  private denied(req: SimRequest): TwilioErrorReply | undefined {
    const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const [user, ...rest] = m ? Buffer.from(m[1], 'base64').toString('utf8').split(':') : [];
    if (user !== this.credentials.accountSid || rest.join(':') !== this.credentials.authToken) {
      return twilioFailure(401, 20003, 'Authenticate', 'Your AccountSid or AuthToken was incorrect.');
    }
    if (req.params.accountSid !== this.credentials.accountSid) return this.notFound(req.path);
    return undefined;
  }

  private notFound(path: string): TwilioErrorReply {
    return twilioFailure(404, 20404, `The requested resource ${path} was not found`);
  }

  private create(req: SimRequest): SimReply | void {
    const denied = this.denied(req);
    if (denied) return denied;
    const params = new URLSearchParams(req.text);
    const problem = createProblem(params, { numbers: [this.credentials.from], messagingServiceSid: this.credentials.messagingServiceSid });
    if (problem) return problem;
    const now = rfc2822(this.clock.now());
    const service = params.get('MessagingServiceSid');
    const body = params.get('Body') ?? '';
    const resource = messageResource(this.credentials.accountSid, {
      sid: twilioSid('SM'),
      to: params.get('To') as string,
      // With a Messaging Service the sender is chosen later, from its pool.
      from: params.get('From') ?? (service ? null : this.credentials.from),
      body,
      status: service ? 'accepted' : 'queued',
      // twilio-oai: "For messages sent via a Messaging Service, num_segments is initially 0, since a sender hasn't yet been assigned."
      num_segments: service ? '0' : String(body ? segmentCount(body) : 1),
      num_media: String(params.getAll('MediaUrl').length),
      messaging_service_sid: service,
      date_created: now,
      date_updated: now,
    }) as SimMessage['resource'];
    const message: SimMessage = { resource, callbackUrl: params.get('StatusCallback') ?? this.options.callbackUrl, planned: this.outcomes.shift() };
    this.messages.set(resource.sid, message);
    if (this.options.autoDeliver !== false) this.later(() => this.advance(resource.sid));
    if (this.stallsAfterAccept > 0) {
      this.stallsAfterAccept--;
      return; // never answered; close() ends the socket
    }
    return { status: 201, body: { ...resource } };
  }

  private fetch(req: SimRequest): SimReply {
    const denied = this.denied(req);
    if (denied) return denied;
    const message = this.messages.get(req.params.sid);
    return message ? { body: message.resource } : this.notFound(req.path);
  }

  private list(req: SimRequest): SimReply {
    const denied = this.denied(req);
    if (denied) return denied;
    const { To: to, From: from } = req.query;
    const pageSize = Math.min(1000, Number(req.query.PageSize) || 50);
    const matching = [...this.messages.values()]
      .map((m) => m.resource)
      .filter((r) => (!to || r.to === to) && (!from || r.from === from))
      .reverse()
      .slice(0, pageSize);
    const uri = `${req.path}?${new URLSearchParams({ ...req.query, PageSize: String(pageSize), Page: '0' })}`;
    return { body: { messages: matching, end: Math.max(0, matching.length - 1), first_page_uri: uri, next_page_uri: null, page: 0, page_size: pageSize, previous_page_uri: null, start: 0, uri } };
  }

  private fetchAccount(req: SimRequest): SimReply {
    const denied = this.denied(req);
    if (denied) return denied;
    const { accountSid, authToken } = this.credentials;
    return {
      body: {
        sid: accountSid,
        owner_account_sid: accountSid,
        friendly_name: 'Simulated Twilio account',
        status: this.options.accountStatus ?? 'active',
        type: this.options.accountType ?? 'Full',
        auth_token: authToken.replace(/./g, '*'),
        date_created: rfc2822(Date.UTC(2020, 0, 1)),
        date_updated: rfc2822(this.clock.now()),
        uri: `/2010-04-01/Accounts/${accountSid}.json`,
      },
    };
  }

  private fetchBalance(req: SimRequest): SimReply {
    const denied = this.denied(req);
    if (denied) return denied;
    return { body: { account_sid: this.credentials.accountSid, balance: this.balance.toFixed(5), currency: 'USD' } };
  }
}

export async function startTwilioSimulator(options: TwilioSimulatorOptions = {}): Promise<TwilioSimulator> {
  return new TwilioSimulator(options).start();
}

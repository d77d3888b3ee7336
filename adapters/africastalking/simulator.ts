import { randomBytes } from 'node:crypto';
import type { SimulatorOptions } from '../../src/core/adapter.js';
import { ProviderSimulator } from '../../src/core/provider-simulator.js';
import { postCallback, type SimReply, type SimRequest } from '../../src/core/simulator.js';
import { RECIPIENT_STATUS } from './recipient-status.js';

/**
 * A local Africa's Talking SMS API: form-encoded sends answered 201 with
 * per-recipient status and cost, the user (balance) endpoint, plain-text
 * request errors, XML unless JSON is asked for, and delivery reports
 * POSTed (form-encoded) to the callback URL.
 */
export interface DeliveryOutcome {
  status: 'Success' | 'Failed' | 'Rejected' | 'Buffered' | 'Sent' | 'Submitted';
  failureReason?: string;
}

export interface AfricasTalkingSimulatorOptions extends SimulatorOptions {
  username?: string;
  /** Starting balance in the account currency. */
  balance?: number;
  currency?: string;
  /** Price of one SMS segment. */
  costPerSegment?: number;
  /** When set, a `from` outside this list is refused (InvalidSenderId). */
  senderIds?: string[];
  /** Wait (on the clock) before posting each delivery report. */
  callbackDelayMs?: number;
}

export interface SimulatedMessage {
  messageId: string;
  number: string;
  message: string;
  from?: string;
  cost: number;
  delivery?: DeliveryOutcome;
}

export interface DeliveredReport {
  url: string;
  status: number;
  body: string;
}

/** The sandbox's simulated network ("Athena"); live reports carry the operator's MCC+MNC. */
const SANDBOX_NETWORK = '99999';
const BAD_AUTH = 'The supplied authentication is invalid';

export class AfricasTalkingSimulator extends ProviderSimulator {
  readonly messages = new Map<string, SimulatedMessage>();
  readonly reports: DeliveredReport[] = [];
  readonly credentials: { username: string; apiKey: string };
  callbackUrl?: string;

  private readonly outcomes: DeliveryOutcome[] = [];
  private readonly blacklisted = new Set<string>();
  private balanceAmount: number;

  constructor(private readonly options: AfricasTalkingSimulatorOptions = {}) {
    super(options);
    this.balanceAmount = options.balance ?? 1000;
    this.callbackUrl = options.callbackUrl;
    this.credentials = { username: options.username ?? 'sandbox', apiKey: `atsk_${randomBytes(32).toString('hex')}` };
    this.server
      .route('POST', '/version1/messaging', (req) => this.send(req))
      .route('GET', '/version1/user', (req) => this.user(req))
      .route('POST', '/simulator/delivery-reports', () => ({ status: 200, body: '' }));
  }

  protected onListening(url: string): void {
    this.callbackUrl ??= `${url}/simulator/delivery-reports`;
    this.config = { baseUrl: url, environment: 'sandbox', username: this.credentials.username, apiKey: this.credentials.apiKey };
  }

  get balance(): number {
    return this.balanceAmount;
  }

  setBalance(amount: number): this {
    this.balanceAmount = amount;
    return this;
  }

  /** The next accepted messages get these delivery outcomes, in order; unscripted ones are delivered. */
  queueDelivery(...outcomes: DeliveryOutcome[]): this {
    this.outcomes.push(...outcomes);
    return this;
  }

  /** Numbers that opted out: sends to them are refused with UserInBlacklist. */
  blacklist(...numbers: string[]): this {
    for (const n of numbers) this.blacklisted.add(n);
    return this;
  }

  private currencyAmount(n: number): string {
    return `${this.options.currency ?? 'KES'} ${n.toFixed(4)}`;
  }

  private wantsJson(req: SimRequest): boolean {
    return (req.headers.accept ?? '').includes('application/json');
  }

  private authorized(req: SimRequest, username: string | undefined): boolean {
    // Node lower-cases header names: "apiKey" and the SDK's "apikey" arrive alike.
    return req.headers.apikey === this.credentials.apiKey && username === this.credentials.username;
  }

  private text(status: number, body: string): SimReply {
    return { status, headers: { 'content-type': 'text/plain' }, body };
  }

  private send(req: SimRequest): SimReply {
    const form = (req.parsed ?? {}) as Record<string, string>;
    if (!(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) return this.text(400, 'Request body must be application/x-www-form-urlencoded');
    for (const field of ['username', 'to', 'message']) {
      if (!form[field]) return this.text(400, `Request is missing required form field '${field}'`);
    }
    if (!this.authorized(req, form.username)) return this.text(401, BAD_AUTH);

    if (form.from && this.options.senderIds && !this.options.senderIds.includes(form.from)) {
      return this.answer(req, { Message: 'InvalidSenderId', Recipients: [] });
    }
    const unicode = /[^\x00-\x7F]/.test(form.message);
    const segments = Math.max(1, Math.ceil(form.message.length / (unicode ? 70 : 160)));
    const price = (this.options.costPerSegment ?? 0.8) * segments;
    const recipients = form.to.split(',').map((raw) => {
      const number = raw.trim();
      const refuse = (statusCode: number) => ({ statusCode, number, status: RECIPIENT_STATUS[statusCode], cost: '0', messageId: 'None' });
      if (!/^\+[1-9]\d{7,14}$/.test(number)) return refuse(403);
      if (this.blacklisted.has(number)) return refuse(406);
      if (this.balanceAmount < price) return refuse(405);
      this.balanceAmount -= price;
      const messageId = `ATXid_${randomBytes(16).toString('hex')}`;
      const msg: SimulatedMessage = { messageId, number, message: form.message, from: form.from, cost: price, delivery: this.outcomes.shift() ?? { status: 'Success' } };
      this.messages.set(messageId, msg);
      this.later(() => this.report(msg), this.options.callbackDelayMs);
      return { statusCode: 101, number, status: 'Success', cost: this.currencyAmount(price), messageId };
    });
    const sent = recipients.filter((r) => r.statusCode === 101);
    const total = sent.length * price;
    return this.answer(req, { Message: `Sent to ${sent.length}/${recipients.length} Total Cost: ${this.currencyAmount(total)}`, Recipients: recipients }, 201);
  }

  private answer(req: SimRequest, data: { Message: string; Recipients: Record<string, unknown>[] }, status = 201): SimReply {
    if (this.wantsJson(req)) return { status, body: { SMSMessageData: data } };
    const esc = (v: unknown) => String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const recipients = data.Recipients.map((r) => `<Recipient>${Object.entries(r).map(([k, v]) => `<${k}>${esc(v)}</${k}>`).join('')}</Recipient>`).join('');
    const xml = `<?xml version="1.0" encoding="UTF-8"?><AfricasTalkingResponse><SMSMessageData><Message>${esc(data.Message)}</Message><Recipients>${recipients}</Recipients></SMSMessageData></AfricasTalkingResponse>`;
    return { status, headers: { 'content-type': 'application/xml' }, body: xml };
  }

  private user(req: SimRequest): SimReply {
    if (!req.query.username) return this.text(400, "Request is missing required query parameter 'username'");
    if (!this.authorized(req, req.query.username)) return this.text(401, BAD_AUTH);
    const balance = `${this.options.currency ?? 'KES'} ${this.balanceAmount.toFixed(2)}`;
    if (this.wantsJson(req)) return { body: { UserData: { balance } } };
    return { headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?><AfricasTalkingResponse><UserData><balance>${balance}</balance></UserData></AfricasTalkingResponse>` };
  }

  private async report(msg: SimulatedMessage): Promise<void> {
    const url = this.callbackUrl;
    if (!url || !msg.delivery) return;
    const fields: Record<string, string> = {
      id: msg.messageId,
      status: msg.delivery.status,
      phoneNumber: msg.number,
      networkCode: SANDBOX_NETWORK,
      retryCount: '0',
      ...(msg.delivery.failureReason ? { failureReason: msg.delivery.failureReason } : {}),
    };
    const body = new URLSearchParams(fields).toString();
    const status = await postCallback(url, body, { 'content-type': 'application/x-www-form-urlencoded' });
    this.reports.push({ url, status, body });
  }
}

export async function startAfricasTalkingSimulator(options: AfricasTalkingSimulatorOptions = {}): Promise<AfricasTalkingSimulator> {
  return new AfricasTalkingSimulator(options).start();
}

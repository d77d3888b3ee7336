import { randomBytes, randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { SimulatorOptions } from '../../src/core/adapter.js';
import { ProviderSimulator } from '../../src/core/provider-simulator.js';
import { LostAnswers, type SimReply, type SimRequest } from '../../src/core/simulator.js';
import { TOKEN_LIFETIME_MS } from './token.js';
import { paymentPage } from './simulator-page.js';

export interface PesapalSimulatorOptions extends SimulatorOptions {
  consumerKey?: string;
  consumerSecret?: string;
  tokenLifetimeMs?: number;
  /** Pay (or fail) every new order right after it is submitted, as if the customer had. */
  autoComplete?: 'COMPLETED' | 'FAILED';
}

type OrderStatus = 'INVALID' | 'COMPLETED' | 'FAILED' | 'REVERSED';
const STATUS_CODE: Record<OrderStatus, number> = { INVALID: 0, COMPLETED: 1, FAILED: 2, REVERSED: 3 };

interface Ipn {
  id: string;
  url: string;
  type: 'GET' | 'POST';
  createdAt: string;
}

interface Order {
  trackingId: string;
  reference: string;
  amount: number;
  currency: string;
  description: string;
  callbackUrl: string;
  ipn: Ipn;
  createdAt: string;
  status: OrderStatus;
  paymentMethod: string;
  paymentAccount: string;
  confirmationCode: string;
  refunded: number;
}

export interface IpnDelivery {
  method: 'GET' | 'POST';
  url: string;
  body?: string;
  /** The receiver's status; 0 when unreachable. */
  status: number;
  /** The receiver's answer: Pesapal reads the echoed fields and status 200 from it. */
  answer?: string;
}

const pesapalError = (status: number, code: string, message: string, type = 'api_error'): SimReply => ({
  status,
  body: { error: { error_type: type, code, message }, status: String(status) },
});

/**
 * A loopback Pesapal API 3.0: 5-minute bearer tokens, IPN registration,
 * orders with a payment page, status by tracking id, refund requests, and
 * IPNs (GET or POST, unsigned) sent to the registered URL.
 */
export class PesapalSimulator extends ProviderSimulator {
  readonly consumerKey: string;
  readonly consumerSecret: string;
  tokenLifetimeMs: number;
  autoComplete?: 'COMPLETED' | 'FAILED';
  readonly deliveries: IpnDelivery[] = [];
  readonly ipns = new Map<string, Ipn>();
  protected override readonly apiPrefix = '/pesapalv3/api';
  private readonly tokens = new Map<string, number>();
  private readonly orders = new Map<string, Order>();
  private readonly lost = new LostAnswers();
  private readonly ipnSink?: string;
  private ipnUrl?: string;

  constructor(options: PesapalSimulatorOptions = {}) {
    super(options);
    this.consumerKey = options.consumerKey ?? randomBytes(24).toString('base64');
    this.consumerSecret = options.consumerSecret ?? randomBytes(20).toString('base64');
    this.tokenLifetimeMs = options.tokenLifetimeMs ?? TOKEN_LIFETIME_MS;
    this.autoComplete = options.autoComplete;
    this.ipnUrl = options.callbackUrl;
    this.routes();
  }

  static async start(options: PesapalSimulatorOptions = {}): Promise<PesapalSimulator> {
    return new PesapalSimulator(options).start();
  }

  protected onListening(url: string): void {
    this.config = {
      baseUrl: `${url}/pesapalv3`,
      consumerKey: this.consumerKey,
      consumerSecret: this.consumerSecret,
      environment: 'sandbox',
      ipnUrl: this.ipnUrl ?? `${url}/ipn-sink`,
      callbackUrl: `${url}/checkout-complete`,
    };
  }

  protected override errorBody(s: number): unknown {
    return { error: { error_type: 'api_error', code: s === 429 ? 'too_many_requests' : `http_${s}`, message: STATUS_CODES[s] ?? 'Error' }, status: String(s) };
  }

  /** The next `times` authenticated requests are carried out, then their answer is lost. */
  loseNextAnswers(kind: 'stall' | 'drop', times = 1): this {
    this.lost.add(kind, times);
    return this;
  }

  /** Every token issued so far stops working (as when Pesapal ends sessions early). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  order(trackingIdOrReference: string): Order | undefined {
    return this.orders.get(trackingIdOrReference) ?? [...this.orders.values()].find((o) => o.reference === trackingIdOrReference);
  }

  /** The customer paid (or failed) on the payment page: the status changes and the IPN goes out. */
  async complete(trackingIdOrReference: string, status: 'COMPLETED' | 'FAILED' = 'COMPLETED', options: { method?: 'mpesa' | 'card' } = {}): Promise<{ orderTrackingId: string; delivery: IpnDelivery }> {
    const order = this.order(trackingIdOrReference);
    if (!order) throw new Error(`pesapal simulator: no order ${trackingIdOrReference}`);
    order.status = status;
    const card = options.method === 'card';
    order.paymentMethod = card ? 'Visa' : 'MpesaKE';
    order.paymentAccount = card ? '476173******0010' : '2547XXXX5678';
    order.confirmationCode = status === 'COMPLETED' ? randomBytes(5).toString('hex').toUpperCase() : '';
    const delivery = await this.track(this.notify(order));
    return { orderTrackingId: order.trackingId, delivery };
  }

  private async notify(order: Order): Promise<IpnDelivery> {
    const fields = { OrderTrackingId: order.trackingId, OrderMerchantReference: order.reference, OrderNotificationType: 'IPNCHANGE' };
    let delivery: IpnDelivery;
    if (order.ipn.type === 'GET') {
      const target = new URL(order.ipn.url);
      for (const [k, v] of Object.entries(fields)) target.searchParams.set(k, v);
      delivery = { method: 'GET', url: target.toString(), ...(await send(target, { method: 'GET' })) };
    } else {
      const body = JSON.stringify(fields);
      delivery = { method: 'POST', url: order.ipn.url, body, ...(await send(order.ipn.url, { method: 'POST', body, headers: { 'content-type': 'application/json' } })) };
    }
    this.deliveries.push(delivery);
    return delivery;
  }

  private issueToken(): { token: string; expiryDate: string } {
    const expiresAt = this.clock.now() + this.tokenLifetimeMs;
    const claims = Buffer.from(JSON.stringify({ sub: 'merchant', exp: Math.floor(expiresAt / 1000), jti: randomUUID() })).toString('base64url');
    const token = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${claims}.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, expiresAt);
    return { token, expiryDate: new Date(expiresAt).toISOString() };
  }

  private authorized(req: SimRequest): boolean {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const expiresAt = m ? this.tokens.get(m[1]) : undefined;
    return expiresAt !== undefined && expiresAt > this.clock.now();
  }

  private statusBody(o: Order): Record<string, unknown> {
    return {
      payment_method: o.status === 'INVALID' ? '' : o.paymentMethod,
      amount: o.amount,
      created_date: o.createdAt,
      confirmation_code: o.confirmationCode,
      payment_status_description: o.status,
      description: o.status === 'COMPLETED' ? 'Payment completed successfully' : o.status === 'FAILED' ? 'Insufficient funds' : o.status === 'REVERSED' ? 'Payment reversed' : 'Unpaid',
      message: 'Request processed successfully',
      payment_account: o.status === 'INVALID' ? '' : o.paymentAccount,
      call_back_url: `${o.callbackUrl}?OrderTrackingId=${o.trackingId}&OrderMerchantReference=${encodeURIComponent(o.reference)}`,
      status_code: STATUS_CODE[o.status],
      merchant_reference: o.reference,
      payment_status_code: '',
      currency: o.currency,
      error: { error_type: null, code: null, message: null, call_back_url: null },
      status: '200',
    };
  }

  private routes(): void {
    const s = this.server;
    const api = (method: string, path: string, handler: (req: SimRequest) => SimReply) =>
      s.route(method, this.apiPrefix + path, (req, _raw, res) => {
        if (!this.authorized(req)) return pesapalError(401, 'invalid_api_credentials_provided', 'Invalid Access Token', 'authentication_error');
        return this.lost.apply(handler(req), res);
      });

    s.route('POST', '/pesapalv3/api/Auth/RequestToken', (req) => {
      const b = (req.parsed ?? {}) as { consumer_key?: string; consumer_secret?: string };
      if (b.consumer_key !== this.consumerKey || b.consumer_secret !== this.consumerSecret) {
        return { body: { token: null, expiryDate: null, error: { error_type: 'api_error', code: 'invalid_consumer_key_or_secret_provided', message: '' }, status: '500', message: 'An error occurred' } };
      }
      return { body: { ...this.issueToken(), error: null, status: '200', message: 'Request processed successfully' } };
    });

    api('POST', '/URLSetup/RegisterIPN', (req) => {
      const b = (req.parsed ?? {}) as { url?: string; ipn_notification_type?: string };
      if (!b.url || !URL.canParse(b.url)) return pesapalError(400, 'invalid_url', 'url is required and must be a valid URL', 'validation_error');
      const type = (b.ipn_notification_type ?? '').toUpperCase();
      if (type !== 'GET' && type !== 'POST') return pesapalError(400, 'invalid_ipn_notification_type', 'ipn_notification_type must be GET or POST', 'validation_error');
      const ipn: Ipn = { id: randomUUID(), url: b.url, type, createdAt: new Date(this.clock.now()).toISOString() };
      this.ipns.set(ipn.id, ipn);
      return {
        body: {
          url: ipn.url,
          created_date: ipn.createdAt,
          ipn_id: ipn.id,
          notification_type: type === 'GET' ? 0 : 1,
          ipn_notification_type_description: type,
          ipn_status: 1,
          ipn_status_decription: 'Active',
          error: null,
          status: '200',
        },
      };
    });

    api('GET', '/URLSetup/GetIpnList', () => ({
      body: [...this.ipns.values()].map((i) => ({ url: i.url, created_date: i.createdAt, ipn_id: i.id, error: null, status: '200' })),
    }));

    api('POST', '/Transactions/SubmitOrderRequest', (req) => {
      const b = (req.parsed ?? {}) as Record<string, any>;
      const invalid = (code: string, message: string) => pesapalError(400, code, message, 'validation_error');
      if (typeof b.id !== 'string' || !b.id || b.id.length > 50) return invalid('invalid_merchant_reference', 'id is required and cannot exceed 50 characters');
      if (typeof b.amount !== 'number' || !(b.amount > 0)) return invalid('invalid_amount', 'amount must be greater than 0');
      if (typeof b.currency !== 'string' || b.currency.length !== 3) return invalid('invalid_currency', 'currency is required');
      if (typeof b.description !== 'string' || !b.description || b.description.length > 100) return invalid('invalid_description', 'description is required and cannot exceed 100 characters');
      if (typeof b.callback_url !== 'string' || !URL.canParse(b.callback_url)) return invalid('invalid_callback_url', 'callback_url is required');
      const ipn = this.ipns.get(b.notification_id);
      if (!ipn) return invalid('invalid_notification_id', 'notification_id is not a registered IPN id');
      if (!b.billing_address?.email_address && !b.billing_address?.phone_number) return invalid('invalid_billing_address', 'billing_address must have an email_address or a phone_number');
      const order: Order = {
        trackingId: randomUUID(),
        reference: b.id,
        amount: b.amount,
        currency: b.currency.toUpperCase(),
        description: b.description,
        callbackUrl: b.callback_url,
        ipn,
        createdAt: new Date(this.clock.now()).toISOString(),
        status: 'INVALID',
        paymentMethod: '',
        paymentAccount: '',
        confirmationCode: '',
        refunded: 0,
      };
      this.orders.set(order.trackingId, order);
      const outcome = this.autoComplete;
      if (outcome) this.later(() => this.complete(order.trackingId, outcome));
      return {
        body: {
          order_tracking_id: order.trackingId,
          merchant_reference: order.reference,
          redirect_url: `${this.url}/pesapaliframe/PesapalIframe3/Index?OrderTrackingId=${order.trackingId}`,
          error: null,
          status: '200',
        },
      };
    });

    api('GET', '/Transactions/GetTransactionStatus', (req) => {
      const order = this.orders.get(req.query.orderTrackingId ?? '');
      if (!order) return { body: { error: { error_type: 'api_error', code: 'payment_details_not_found', message: 'Pesapal status details could not be found' }, status: '500' } };
      return { body: this.statusBody(order) };
    });

    api('POST', '/Transactions/RefundRequest', (req) => {
      const b = (req.parsed ?? {}) as { confirmation_code?: string; amount?: unknown; username?: string; remarks?: string };
      const amount = Number(b.amount);
      if (!b.username) return pesapalError(400, 'invalid_username', 'username is required', 'validation_error');
      if (!b.remarks) return pesapalError(400, 'invalid_remarks', 'remarks is required', 'validation_error');
      if (!Number.isFinite(amount) || amount <= 0) return pesapalError(400, 'invalid_amount', 'amount must be greater than 0', 'validation_error');
      const order = [...this.orders.values()].find((o) => o.confirmationCode && o.confirmationCode === b.confirmation_code);
      if (!order) return { status: 200, body: { status: '400', message: 'Refund request failed', error: { error_type: 'api_error', code: 'invalid_confirmation_code', message: 'confirmation_code does not match a completed payment' } } };
      if (order.status !== 'COMPLETED') return { status: 200, body: { status: '400', message: 'Refund request failed', error: { error_type: 'api_error', code: 'payment_not_completed', message: 'Only COMPLETED payments can be refunded' } } };
      if (amount > order.amount - order.refunded + 1e-9) return { status: 200, body: { status: '400', message: 'Refund request failed', error: { error_type: 'validation_error', code: 'refund_amount_exceeded', message: 'amount exceeds the amount that can be refunded' } } };
      order.refunded += amount;
      // The simulated merchant approves at once; a full refund reverses the payment and Pesapal notifies.
      if (order.amount - order.refunded < 1e-9) {
        order.status = 'REVERSED';
        this.later(() => this.notify(order));
      }
      return { body: { status: '200', message: 'Refund request successfully' } };
    });

    s.route('GET', '/pesapaliframe/PesapalIframe3/Index', (req) => {
      const order = this.orders.get(req.query.OrderTrackingId ?? '');
      return order ? { headers: { 'content-type': 'text/html; charset=utf-8' }, body: paymentPage(order) } : { status: 404, body: 'Order not found' };
    });
    s.route('POST', '/pesapaliframe/PesapalIframe3/Index', async (req) => {
      const order = this.orders.get(req.query.OrderTrackingId ?? '');
      if (!order) return { status: 404, body: 'Order not found' };
      const outcome = (req.parsed as { outcome?: string } | undefined)?.outcome === 'FAILED' ? 'FAILED' : 'COMPLETED';
      await this.complete(order.trackingId, outcome);
      const back = new URL(order.callbackUrl);
      back.searchParams.set('OrderTrackingId', order.trackingId);
      back.searchParams.set('OrderMerchantReference', order.reference);
      back.searchParams.set('OrderNotificationType', 'CALLBACKURL');
      return { status: 302, headers: { location: back.toString() }, body: '' };
    });

    // Where IPNs go when no callback URL was given: acknowledged the way a merchant should.
    const sink = (req: SimRequest): SimReply => {
      const f = (req.method === 'GET' ? req.query : (req.parsed ?? {})) as Record<string, string>;
      return { body: { orderNotificationType: f.OrderNotificationType, orderTrackingId: f.OrderTrackingId, orderMerchantReference: f.OrderMerchantReference, status: 200 } };
    };
    s.route('GET', '/ipn-sink', sink);
    s.route('POST', '/ipn-sink', sink);
    s.route('GET', '/checkout-complete', (req) => ({
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: `Order ${req.query.OrderMerchantReference ?? ''} (${req.query.OrderTrackingId ?? '-'}) returned from the payment page\n`,
    }));
  }
}

/** One IPN request: the receiver's status and answer (status 0 when it could not be reached). */
async function send(url: string | URL, init: RequestInit): Promise<{ status: number; answer?: string }> {
  try {
    const res = await fetch(url, init);
    return { status: res.status, answer: await res.text() };
  } catch {
    return { status: 0 };
  }
}

import { createHmac, randomBytes } from 'node:crypto';
import type { SimulatorOptions } from '../../src/core/adapter.js';
import { ProviderSimulator } from '../../src/core/provider-simulator.js';
import { LostAnswers, deliverCallback, type PostedCallback, type SimReply, type SimRequest } from '../../src/core/simulator.js';
import type { RazorpayOrder, RazorpayPayment, RazorpayRefund } from './entities.js';
import { eventBody } from './payloads.js';
import { checkoutPage } from './simulator-page.js';

export interface RazorpaySimulatorOptions extends SimulatorOptions {
  keyId?: string;
  keySecret?: string;
  /** The secret set on the webhook in the dashboard; signs X-Razorpay-Signature. */
  webhookSecret?: string;
  /** Pay (or fail) every new order right after it is created, as if the customer had. */
  autoComplete?: 'captured' | 'failed';
}

export interface WebhookDelivery extends PostedCallback {
  event: string;
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Razorpay ids: a prefix and 14 base62 characters (order_DaZlswtdcn9UNV). */
export function razorpayId(prefix: string): string {
  return `${prefix}_${[...randomBytes(14)].map((b) => BASE62[b % 62]).join('')}`;
}

function errorReply(status: number, description: string, extra: { code?: string; field?: string; reason?: string; source?: string; step?: string } = {}): SimReply {
  return {
    status,
    body: {
      error: {
        code: extra.code ?? (status >= 500 ? 'SERVER_ERROR' : 'BAD_REQUEST_ERROR'),
        description,
        source: extra.source ?? 'NA',
        step: extra.step ?? 'NA',
        reason: extra.reason ?? 'NA',
        metadata: {},
        ...(extra.field ? { field: extra.field } : {}),
      },
    },
  };
}
const invalid = (description: string, field: string) => errorReply(400, description, { field, source: 'business', step: 'payment_initiation', reason: 'input_validation_failed' });
const NO_SUCH_ID = 'The id provided does not exist';

/**
 * A loopback Razorpay: Basic key_id:key_secret, orders (searchable by
 * receipt), payments per order, refunds, and signed webhooks
 * (X-Razorpay-Signature, X-Razorpay-Event-Id).
 */
export class RazorpaySimulator extends ProviderSimulator {
  readonly keyId: string;
  readonly keySecret: string;
  readonly webhookSecret: string;
  webhookUrl?: string;
  autoComplete?: 'captured' | 'failed';
  readonly deliveries: WebhookDelivery[] = [];
  protected override readonly apiPrefix = '/v1';
  private readonly orders = new Map<string, RazorpayOrder>();
  private readonly payments = new Map<string, RazorpayPayment>();
  private readonly lost = new LostAnswers();

  constructor(options: RazorpaySimulatorOptions = {}) {
    super(options);
    this.keyId = options.keyId ?? `rzp_test_${razorpayId('k').slice(2)}`;
    this.keySecret = options.keySecret ?? randomBytes(18).toString('base64url');
    this.webhookSecret = options.webhookSecret ?? `whsec-sim-${randomBytes(12).toString('hex')}`;
    this.webhookUrl = options.callbackUrl;
    this.autoComplete = options.autoComplete;
    this.routes();
  }

  static async start(options: RazorpaySimulatorOptions = {}): Promise<RazorpaySimulator> {
    return new RazorpaySimulator(options).start();
  }

  protected onListening(url: string): void {
    this.config = { baseUrl: `${url}${this.apiPrefix}`, keyId: this.keyId, keySecret: this.keySecret, environment: 'sandbox' };
  }

  protected override errorBody(s: number): unknown {
    return errorReply(s, s === 429 ? 'Too many requests' : s >= 500 ? 'The server encountered an error. The incident has been reported to admins.' : 'Authentication failed').body;
  }

  /** The next `times` API requests are carried out, then their answer is lost. */
  loseNextAnswers(kind: 'stall' | 'drop', times = 1): this {
    this.lost.add(kind, times);
    return this;
  }

  order(idOrReceipt: string): RazorpayOrder | undefined {
    return this.orders.get(idOrReceipt) ?? [...this.orders.values()].find((o) => o.receipt === idOrReceipt);
  }

  /** A customer pays the order in Checkout (auto-captured) or the attempt fails; webhooks follow. */
  async complete(orderIdOrReceipt: string, outcome: 'captured' | 'failed' = 'captured', options: { method?: string } = {}): Promise<{ paymentId: string; deliveries: WebhookDelivery[] }> {
    const order = this.order(orderIdOrReceipt);
    if (!order) throw new Error(`razorpay simulator: no order ${orderIdOrReceipt}`);
    const now = this.now();
    const captured = outcome === 'captured';
    const payment: RazorpayPayment = {
      id: razorpayId('pay'),
      entity: 'payment',
      amount: order.amount_due,
      currency: order.currency,
      status: captured ? 'captured' : 'failed',
      order_id: order.id,
      method: options.method ?? 'upi',
      amount_refunded: 0,
      refund_status: null,
      captured,
      email: 'gaurav.kumar@example.com',
      contact: '+919000090000',
      error_code: captured ? null : 'BAD_REQUEST_ERROR',
      error_description: captured ? null : 'Payment was unsuccessful as the customer declined it.',
      created_at: now,
    };
    this.payments.set(payment.id, payment);
    order.attempts += 1;
    order.status = 'attempted';
    if (captured) {
      order.amount_paid += payment.amount;
      order.amount_due -= payment.amount;
      if (order.amount_due === 0) order.status = 'paid';
    }
    const deliveries: WebhookDelivery[] = [];
    const send = async (event: string, body: Record<string, unknown>) => {
      const d = await this.track(this.sendWebhook(event, body));
      if (d) deliveries.push(d);
    };
    if (captured) {
      await send('payment.captured', eventBody('payment.captured', { payment }, now));
      if (order.status === 'paid') await send('order.paid', eventBody('order.paid', { payment, order }, now));
    } else {
      await send('payment.failed', eventBody('payment.failed', { payment }, now));
    }
    return { paymentId: payment.id, deliveries };
  }

  /** X-Razorpay-Signature as Razorpay computes it: hex HMAC-SHA256 of the raw body. */
  sign(body: string): string {
    return createHmac('sha256', this.webhookSecret).update(body).digest('hex');
  }

  private now(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  private async sendWebhook(event: string, payload: Record<string, unknown>): Promise<WebhookDelivery | undefined> {
    if (!this.webhookUrl) return undefined;
    const body = JSON.stringify(payload);
    const headers = { 'content-type': 'application/json', 'x-razorpay-signature': this.sign(body), 'x-razorpay-event-id': razorpayId('evt').slice(4) };
    const delivery = { ...(await deliverCallback(this.webhookUrl, body, headers)), event };
    this.deliveries.push(delivery);
    return delivery;
  }

  private authorized(req: SimRequest): boolean {
    const m = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    return !!m && Buffer.from(m[1], 'base64').toString('utf8') === `${this.keyId}:${this.keySecret}`;
  }

  private collection<T>(items: T[]): Record<string, unknown> {
    return { entity: 'collection', count: items.length, items };
  }

  private routes(): void {
    const api = (method: string, path: string, handler: (req: SimRequest) => SimReply) =>
      this.server.route(method, this.apiPrefix + path, (req, _raw, res) => {
        if (!this.authorized(req)) return errorReply(401, 'Authentication failed');
        return this.lost.apply(handler(req), res);
      });

    api('POST', '/orders', (req) => {
      const b = (req.parsed ?? {}) as Record<string, any>;
      if (!Number.isInteger(b.amount)) return invalid('The amount must be an integer.', 'amount');
      if (b.amount < 100) return invalid(`The amount must be at least ${b.currency ?? 'INR'} 1.00`, 'amount');
      if (typeof b.currency !== 'string' || !/^[A-Z]{3}$/.test(b.currency)) return invalid('The currency field is required.', 'currency');
      if (b.receipt !== undefined && (typeof b.receipt !== 'string' || b.receipt.length > 40)) return invalid('The receipt may not be greater than 40 characters.', 'receipt');
      if (b.notes && Object.keys(b.notes).length > 15) return invalid('The notes may not have more than 15 items.', 'notes');
      const order: RazorpayOrder = {
        id: razorpayId('order'),
        entity: 'order',
        amount: b.amount,
        amount_paid: 0,
        amount_due: b.amount,
        currency: b.currency,
        receipt: b.receipt ?? null,
        status: 'created',
        attempts: 0,
        notes: b.notes ?? [],
        created_at: this.now(),
      };
      this.orders.set(order.id, order);
      const outcome = this.autoComplete;
      if (outcome) this.later(() => this.complete(order.id, outcome));
      return { body: order };
    });

    api('GET', '/orders', (req) => {
      let items = [...this.orders.values()].sort((a, b) => b.created_at - a.created_at);
      if (req.query.receipt !== undefined) items = items.filter((o) => o.receipt === req.query.receipt);
      const skip = Number(req.query.skip ?? 0);
      const count = Math.min(Number(req.query.count ?? 10), 100);
      return { body: this.collection(items.slice(skip, skip + count)) };
    });

    api('GET', '/orders/:id', (req) => {
      const order = this.orders.get(req.params.id);
      return order ? { body: order } : errorReply(400, NO_SUCH_ID, { field: 'id' });
    });

    api('GET', '/orders/:id/payments', (req) => {
      if (!this.orders.has(req.params.id)) return errorReply(400, NO_SUCH_ID, { field: 'id' });
      return { body: this.collection([...this.payments.values()].filter((p) => p.order_id === req.params.id).sort((a, b) => b.created_at - a.created_at)) };
    });

    api('GET', '/payments/:id', (req) => {
      const payment = this.payments.get(req.params.id);
      return payment ? { body: payment } : errorReply(400, NO_SUCH_ID, { field: 'id' });
    });

    api('POST', '/payments/:id/refund', (req) => {
      const payment = this.payments.get(req.params.id);
      if (!payment) return errorReply(400, NO_SUCH_ID, { field: 'id' });
      const b = (req.parsed ?? {}) as { amount?: unknown; speed?: string; receipt?: string };
      const left = payment.amount - payment.amount_refunded;
      if (payment.status !== 'captured' && payment.status !== 'refunded') return errorReply(400, 'The payment has not been captured', { reason: 'payment_not_captured', source: 'business' });
      if (left === 0) return errorReply(400, 'The payment has been fully refunded already', { source: 'business', step: 'refund' });
      const amount = b.amount === undefined ? left : Number(b.amount);
      if (!Number.isInteger(amount) || amount < 100) return invalid('The amount must be atleast INR 1.00', 'amount');
      if (amount > left) return invalid('The refund amount provided is greater than amount captured', 'amount');
      payment.amount_refunded += amount;
      payment.refund_status = payment.amount_refunded === payment.amount ? 'full' : 'partial';
      // A partly refunded payment stays captured; only a full refund marks it refunded.
      if (payment.refund_status === 'full') payment.status = 'refunded';
      const refund: RazorpayRefund = {
        id: razorpayId('rfnd'),
        entity: 'refund',
        amount,
        currency: payment.currency,
        payment_id: payment.id,
        receipt: b.receipt ?? null,
        status: 'processed',
        speed_processed: 'normal',
        speed_requested: b.speed ?? 'normal',
        created_at: this.now(),
      };
      const now = this.now();
      this.later(() => this.sendWebhook('refund.processed', eventBody('refund.processed', { refund, payment }, now)));
      return { body: { ...refund, notes: [], acquirer_data: { arn: null }, batch_id: null } };
    });

    // Checkout lives in the browser (checkout.js); this page stands in for it during local development.
    this.server.route('GET', '/checkout/:orderId', (req) => {
      const order = this.orders.get(req.params.orderId);
      return order ? { headers: { 'content-type': 'text/html; charset=utf-8' }, body: checkoutPage(order) } : { status: 404, body: 'Order not found' };
    });
    this.server.route('POST', '/checkout/:orderId', async (req) => {
      if (!this.orders.has(req.params.orderId)) return { status: 404, body: 'Order not found' };
      const outcome = (req.parsed as { outcome?: string } | undefined)?.outcome === 'failed' ? 'failed' : 'captured';
      const { paymentId } = await this.complete(req.params.orderId, outcome);
      const signature = createHmac('sha256', this.keySecret).update(`${req.params.orderId}|${paymentId}`).digest('hex');
      // What Checkout hands the page: the ids and the payment signature (order_id|payment_id, keyed with key_secret).
      return { body: { razorpay_order_id: req.params.orderId, razorpay_payment_id: paymentId, razorpay_signature: signature, status: outcome } };
    });
  }
}

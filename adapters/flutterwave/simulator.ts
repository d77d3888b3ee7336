import { randomBytes, randomInt } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { SimulatorOptions } from '../../src/core/adapter.js';
import { ProviderSimulator } from '../../src/core/provider-simulator.js';
import { LostAnswers, deliverCallback, type PostedCallback, type SimReply, type SimRequest } from '../../src/core/simulator.js';
import { chargeCompletedV3, legacyCharge, type TransactionRecord } from './payloads.js';
import { checkoutPage } from './simulator-checkout.js';

export interface FlutterwaveSimulatorOptions extends SimulatorOptions {
  secretKey?: string;
  /** The "secret hash" set in the dashboard, sent back as `verif-hash`. */
  webhookHash?: string;
  /** Complete every new checkout right after it is created. */
  autoComplete?: 'successful' | 'failed';
  /** Which webhook body shape to send (both exist in the wild). */
  webhookShape?: 'v3' | 'legacy';
}

export type WebhookDelivery = PostedCallback;

interface Checkout {
  txRef: string;
  amount: number;
  currency: string;
  redirectUrl: string;
  code: string;
  customer: { email: string; name?: string; phone?: string };
  /** payment_options, comma-separated at checkout; the customer pays with the first. */
  paymentOptions: string[];
  createdAt: string;
  tx?: TransactionRecord;
  refunded: number;
}

const envelope = (message: string, data: unknown = null, status = 'success') => ({ status, message, data });
const fail = (status: number, message: string): SimReply => ({ status, body: envelope(message, null, 'error') });
const NOT_FOUND = 'No transaction was found for this id';

/**
 * A loopback Flutterwave v3: Bearer secret key, Standard checkout with a
 * hosted page, verify by id and by tx_ref, refunds, balances, and
 * `charge.completed` webhooks with `verif-hash` in either body shape.
 */
export class FlutterwaveSimulator extends ProviderSimulator {
  readonly secretKey: string;
  readonly webhookHash: string;
  webhookUrl?: string;
  webhookShape: 'v3' | 'legacy';
  autoComplete?: 'successful' | 'failed';
  readonly deliveries: WebhookDelivery[] = [];
  protected override readonly apiPrefix = '/v3';
  private readonly checkouts = new Map<string, Checkout>();
  private readonly lost = new LostAnswers();
  private nextId = randomInt(4_000_000, 5_000_000);

  constructor(options: FlutterwaveSimulatorOptions = {}) {
    super(options);
    this.secretKey = options.secretKey ?? `FLWSECK_TEST-${randomBytes(16).toString('hex')}-X`;
    this.webhookHash = options.webhookHash ?? `sim-hash-${randomBytes(12).toString('hex')}`;
    this.webhookUrl = options.callbackUrl;
    this.webhookShape = options.webhookShape ?? 'v3';
    this.autoComplete = options.autoComplete;
    this.routes();
  }

  static async start(options: FlutterwaveSimulatorOptions = {}): Promise<FlutterwaveSimulator> {
    return new FlutterwaveSimulator(options).start();
  }

  protected onListening(url: string): void {
    this.config = { baseUrl: `${url}${this.apiPrefix}`, secretKey: this.secretKey, environment: 'sandbox', redirectUrl: `${url}/checkout-complete` };
  }

  /** The secret the webhooks carry (the dashboard's secret hash): the integration's webhook secret. */
  get webhookSecret(): string {
    return this.webhookHash;
  }

  protected override errorBody(status: number): unknown {
    return envelope(status === 429 ? 'Too many requests, please try again later' : (STATUS_CODES[status] ?? 'Error'), null, 'error');
  }

  /**
   * The next `times` API requests are carried out, then their answer is lost:
   * held open past any timeout (`stall`) or the connection closed (`drop`).
   * The ambiguous case an unsafe operation must reconcile.
   */
  loseNextAnswers(kind: 'stall' | 'drop', times = 1): this {
    this.lost.add(kind, times);
    return this;
  }

  /**
   * The customer finished paying (or failed): the checkout becomes a
   * transaction and the webhook goes out. Resolves once it was delivered.
   */
  async complete(txRef: string, status: 'successful' | 'failed' = 'successful', options: { shape?: 'v3' | 'legacy'; paymentType?: string } = {}): Promise<{ transactionId: number; delivery?: WebhookDelivery }> {
    const checkout = this.checkouts.get(txRef);
    if (!checkout) throw new Error(`flutterwave simulator: no checkout with tx_ref ${txRef}`);
    checkout.tx ??= {
      id: this.nextId++,
      txRef,
      flwRef: `FLW-MOCK-${randomBytes(16).toString('hex')}`,
      amount: checkout.amount,
      currency: checkout.currency,
      status,
      paymentType: options.paymentType ?? checkout.paymentOptions[0] ?? 'card',
      createdAt: new Date(this.clock.now()).toISOString(),
      customer: { id: randomInt(100_000, 999_999), ...checkout.customer },
    };
    checkout.tx.status = status;
    const delivery = await this.track(this.sendWebhook(checkout.tx, options.shape ?? this.webhookShape));
    return { transactionId: checkout.tx.id, delivery };
  }

  private async sendWebhook(tx: TransactionRecord, shape: 'v3' | 'legacy'): Promise<WebhookDelivery | undefined> {
    if (!this.webhookUrl) return undefined;
    const body = JSON.stringify(shape === 'legacy' ? legacyCharge(tx) : chargeCompletedV3(tx));
    const headers = { 'content-type': 'application/json', 'verif-hash': this.webhookHash };
    const delivery = await deliverCallback(this.webhookUrl, body, headers);
    this.deliveries.push(delivery);
    return delivery;
  }

  private authorized(req: SimRequest): boolean {
    return req.headers.authorization === `Bearer ${this.secretKey}`;
  }

  private find(id: string): Checkout | undefined {
    for (const c of this.checkouts.values()) if (c.tx && String(c.tx.id) === id) return c;
    return undefined;
  }

  private transaction(c: Checkout): Record<string, unknown> {
    const data = chargeCompletedV3(c.tx!).data as Record<string, unknown>;
    const card = data.card as Record<string, unknown> | undefined;
    return { ...data, ...(card ? { card: { ...card, token: `flw-t1nf-${randomBytes(8).toString('hex')}-m03k` } } : {}), meta: null, amount_settled: c.tx!.amount - (data.app_fee as number) };
  }

  private routes(): void {
    const api = (method: string, path: string, handler: (req: SimRequest) => SimReply) =>
      this.server.route(method, this.apiPrefix + path, (req, _raw, res) => {
        if (!this.authorized(req)) return fail(401, 'Invalid authorization key');
        return this.lost.apply(handler(req), res);
      });

    api('POST', '/payments', (req) => {
      const b = (req.parsed ?? {}) as Record<string, any>;
      const amount = Number(b.amount);
      if (typeof b.tx_ref !== 'string' || !b.tx_ref) return fail(400, 'tx_ref is required');
      if (!Number.isFinite(amount) || amount <= 0) return fail(400, 'amount is required and must be greater than 0');
      if (typeof b.redirect_url !== 'string' || !b.redirect_url) return fail(400, 'redirect_url is required');
      if (typeof b.customer?.email !== 'string' || !b.customer.email.includes('@')) return fail(400, 'customer.email is required');
      if (this.checkouts.get(b.tx_ref)?.tx) return fail(400, 'A transaction with this tx_ref already exists');
      const checkout: Checkout = {
        txRef: b.tx_ref,
        amount,
        currency: String(b.currency ?? 'NGN').toUpperCase(),
        redirectUrl: b.redirect_url,
        code: randomBytes(10).toString('hex'),
        customer: { email: b.customer.email, name: b.customer.name, phone: b.customer.phonenumber },
        paymentOptions: typeof b.payment_options === 'string' ? b.payment_options.split(',').map((o: string) => o.trim()).filter(Boolean) : [],
        createdAt: new Date(this.clock.now()).toISOString(),
        refunded: 0,
      };
      this.checkouts.set(checkout.txRef, checkout);
      const outcome = this.autoComplete;
      if (outcome) this.later(() => this.complete(checkout.txRef, outcome));
      return { body: envelope('Hosted Link', { link: `${this.url}/v3/hosted/pay/${checkout.code}` }) };
    });

    api('GET', '/transactions/verify_by_reference', (req) => {
      const c = this.checkouts.get(req.query.tx_ref ?? '');
      return c?.tx ? { body: envelope('Transaction fetched successfully', this.transaction(c)) } : fail(400, NOT_FOUND);
    });

    api('GET', '/transactions/:id/verify', (req) => {
      const c = this.find(req.params.id);
      return c ? { body: envelope('Transaction fetched successfully', this.transaction(c)) } : fail(400, NOT_FOUND);
    });

    api('POST', '/transactions/:id/refund', (req) => {
      const c = this.find(req.params.id);
      if (!c?.tx) return fail(404, NOT_FOUND);
      const amount = Number((req.parsed as { amount?: unknown } | undefined)?.amount);
      if (!Number.isFinite(amount) || amount <= 0) return fail(400, 'amount is required');
      if (c.tx.status !== 'successful') return fail(400, 'Only successful transactions can be refunded');
      if (amount > c.tx.amount - c.refunded + 1e-9) return fail(400, 'amount cannot be greater than the amount left to refund');
      c.refunded += amount;
      return {
        body: envelope('Transaction refund initiated', {
          id: randomInt(10_000, 99_999),
          account_id: 17321,
          tx_id: c.tx.id,
          flw_ref: c.tx.flwRef,
          wallet_id: 17941,
          amount_refunded: amount,
          status: 'completed',
          destination: 'payment_source',
          meta: { source: 'availablebalance' },
          created_at: new Date(this.clock.now()).toISOString(),
        }),
      };
    });

    api('GET', '/balances', () => ({
      body: envelope('Wallet balances fetched', [
        { currency: 'NGN', available_balance: 250_000, ledger_balance: 250_000 },
        { currency: 'USD', available_balance: 1_200, ledger_balance: 1_200 },
      ]),
    }));

    // The hosted checkout: a page with Pay / Decline, then the documented redirect.
    this.server.route('GET', '/v3/hosted/pay/:code', (req) => {
      const c = [...this.checkouts.values()].find((x) => x.code === req.params.code);
      return c ? { headers: { 'content-type': 'text/html; charset=utf-8' }, body: checkoutPage(c) } : { status: 404, body: 'Link expired or not found' };
    });
    this.server.route('POST', '/v3/hosted/pay/:code', async (req) => {
      const c = [...this.checkouts.values()].find((x) => x.code === req.params.code);
      if (!c) return { status: 404, body: 'Link expired or not found' };
      const outcome = (req.parsed as { outcome?: string } | undefined)?.outcome === 'failed' ? 'failed' : 'successful';
      const { transactionId } = await this.complete(c.txRef, outcome);
      const target = new URL(c.redirectUrl);
      target.searchParams.set('status', outcome);
      target.searchParams.set('tx_ref', c.txRef);
      target.searchParams.set('transaction_id', String(transactionId));
      return { status: 302, headers: { location: target.toString() }, body: '' };
    });
    this.server.route('GET', '/checkout-complete', (req) => ({
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: `Checkout ${req.query.tx_ref ?? ''} finished: ${req.query.status ?? 'unknown'} (transaction ${req.query.transaction_id ?? '-'})\n`,
    }));
  }
}

export async function startFlutterwaveSimulator(options: FlutterwaveSimulatorOptions = {}): Promise<FlutterwaveSimulator> {
  return FlutterwaveSimulator.start(options);
}

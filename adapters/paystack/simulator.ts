import { createHmac, randomBytes, randomInt } from 'node:crypto';
import type { SimulatorOptions } from '../../src/core/adapter.js';
import { ProviderSimulator } from '../../src/core/provider-simulator.js';
import { LostAnswers, deliverCallback, type PostedCallback, type SimReply, type SimRequest } from '../../src/core/simulator.js';
import type { PaystackTransaction } from './transaction.js';
import { chargeSuccess, refundEvent, type RefundNotice } from './payloads.js';
import { checkoutPage } from './simulator-page.js';

export interface PaystackSimulatorOptions extends SimulatorOptions {
  secretKey?: string;
  /** Pay (or fail) every new transaction right after it is initialized. */
  autoComplete?: 'success' | 'failed';
}

export interface WebhookDelivery extends PostedCallback {
  event: string;
}

interface Sim {
  tx: PaystackTransaction;
  accessCode: string;
  callbackUrl?: string;
  /** The channels initialize allowed; the customer pays with the first. */
  channels: string[];
  refunded: number;
}

type Authorization = NonNullable<PaystackTransaction['authorization']>;

/**
 * The authorization a paid transaction carries. A card payment has a BIN and
 * expiry; a payment with no card (bank, bank transfer, USSD, mobile money)
 * answers `bin` and `signature` null, which PaystackOSS/openapi's
 * VerifyResponse allows (`bin` nullable).
 */
function authorizationFor(channel: string): Authorization {
  const code = `AUTH_${randomBytes(5).toString('hex')}`;
  if (channel === 'card' || channel === 'apple_pay') {
    return { authorization_code: code, bin: '408408', last4: '4081', exp_month: '12', exp_year: '2030', channel, card_type: 'visa ', bank: 'TEST BANK', brand: 'visa', reusable: true, signature: `SIG_${randomBytes(10).toString('hex')}` };
  }
  const bank = channel === 'mobile_money' ? 'MTN' : 'Test Bank';
  return { authorization_code: code, bin: null, last4: null, exp_month: null, exp_year: null, channel, card_type: null, bank, brand: null, reusable: false, signature: null };
}

const CURRENCIES = new Set(['NGN', 'GHS', 'ZAR', 'KES', 'USD']);
const fail = (status: number, message: string, extra: { type?: string; code?: string } = {}): SimReply => ({ status, body: { status: false, message, ...extra } });
const ok = (message: string, data: unknown): SimReply => ({ body: { status: true, message, data } });

/**
 * A loopback Paystack: Bearer secret key, transaction initialize / verify,
 * refunds, balance, and webhooks signed with x-paystack-signature (hex
 * HMAC-SHA512 of the body keyed with the secret key).
 */
export class PaystackSimulator extends ProviderSimulator {
  readonly secretKey: string;
  webhookUrl?: string;
  autoComplete?: 'success' | 'failed';
  readonly deliveries: WebhookDelivery[] = [];
  private readonly transactions = new Map<string, Sim>();
  private readonly lost = new LostAnswers();
  private nextId = randomInt(3_000_000, 4_000_000);

  constructor(options: PaystackSimulatorOptions = {}) {
    super(options);
    this.secretKey = options.secretKey ?? `sk_test_${randomBytes(20).toString('hex')}`;
    this.webhookUrl = options.callbackUrl;
    this.autoComplete = options.autoComplete;
    this.routes();
  }

  static async start(options: PaystackSimulatorOptions = {}): Promise<PaystackSimulator> {
    return new PaystackSimulator(options).start();
  }

  protected onListening(url: string): void {
    this.config = { baseUrl: url, secretKey: this.secretKey, environment: 'sandbox', callbackUrl: `${url}/checkout-complete` };
  }

  /** Paystack signs webhooks with the secret key: the integration's webhook secret. */
  get webhookSecret(): string {
    return this.secretKey;
  }

  protected override errorBody(s: number): unknown {
    return { status: false, message: s === 429 ? 'Too many requests. Please retry after some time' : s >= 500 ? 'An error occurred' : 'Request failed' };
  }

  /** The next `times` API requests are carried out, then their answer is lost. */
  loseNextAnswers(kind: 'stall' | 'drop', times = 1): this {
    this.lost.add(kind, times);
    return this;
  }

  transaction(reference: string): PaystackTransaction | undefined {
    return this.transactions.get(reference)?.tx;
  }

  /** x-paystack-signature as Paystack computes it. */
  sign(body: string): string {
    return createHmac('sha512', this.secretKey).update(body).digest('hex');
  }

  /**
   * The customer paid (charge.success goes out) or the charge failed
   * (Paystack sends no webhook for that; verify shows it). The customer pays
   * through `channel`, by default the first channel initialize allowed.
   */
  async complete(reference: string, outcome: 'success' | 'failed' = 'success', channel?: string): Promise<{ transactionId: number; delivery?: WebhookDelivery }> {
    const sim = this.transactions.get(reference);
    if (!sim) throw new Error(`paystack simulator: no transaction ${reference}`);
    const tx = sim.tx;
    tx.status = outcome;
    tx.gateway_response = outcome === 'success' ? 'Successful' : 'Declined';
    tx.channel = channel ?? sim.channels[0] ?? 'card';
    if (outcome === 'success') {
      tx.paid_at = new Date(this.clock.now()).toISOString();
      tx.fees = Math.min(Math.round(tx.amount * 0.015) + (tx.amount >= 250000 ? 10000 : 0), 200000);
      tx.authorization = authorizationFor(tx.channel);
      const delivery = await this.track(this.sendWebhook('charge.success', chargeSuccess(tx)));
      return { transactionId: tx.id, delivery };
    }
    return { transactionId: tx.id };
  }

  private async sendWebhook(event: string, payload: Record<string, unknown>): Promise<WebhookDelivery | undefined> {
    if (!this.webhookUrl) return undefined;
    const body = JSON.stringify(payload);
    const headers = { 'content-type': 'application/json', 'x-paystack-signature': this.sign(body) };
    const delivery = { ...(await deliverCallback(this.webhookUrl, body, headers)), event };
    this.deliveries.push(delivery);
    return delivery;
  }

  private find(referenceOrId: string): Sim | undefined {
    return this.transactions.get(referenceOrId) ?? [...this.transactions.values()].find((s) => String(s.tx.id) === referenceOrId);
  }

  private routes(): void {
    const api = (method: string, path: string, handler: (req: SimRequest) => SimReply) =>
      this.server.route(method, path, (req, _raw, res) => {
        if (req.headers.authorization !== `Bearer ${this.secretKey}`) return fail(401, 'Invalid key');
        return this.lost.apply(handler(req), res);
      });

    api('POST', '/transaction/initialize', (req) => {
      const b = (req.parsed ?? {}) as Record<string, any>;
      if (typeof b.email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(b.email)) return fail(400, 'Invalid Email Address Passed', { type: 'validation_error', code: 'invalid_params' });
      const amount = Number(b.amount);
      if (!Number.isInteger(amount) || amount <= 0) return fail(400, 'Invalid Amount Sent', { type: 'validation_error', code: 'invalid_params' });
      const currency = String(b.currency ?? 'NGN').toUpperCase();
      if (!CURRENCIES.has(currency)) return fail(400, 'Currency not supported by merchant', { type: 'validation_error', code: 'unsupported_currency' });
      const reference = typeof b.reference === 'string' && b.reference ? b.reference : randomBytes(5).toString('hex');
      if (this.transactions.has(reference)) return fail(400, 'Duplicate Transaction Reference', { type: 'validation_error', code: 'duplicate_reference' });
      const sim: Sim = {
        accessCode: randomBytes(12).toString('base64url').replace(/[-_]/g, '0').slice(0, 15),
        callbackUrl: typeof b.callback_url === 'string' ? b.callback_url : undefined,
        channels: Array.isArray(b.channels) ? b.channels.filter((c: unknown): c is string => typeof c === 'string') : [],
        refunded: 0,
        tx: {
          id: this.nextId++,
          domain: 'test',
          status: 'abandoned',
          reference,
          amount,
          currency,
          gateway_response: 'The transaction was not completed',
          paid_at: null,
          created_at: new Date(this.clock.now()).toISOString(),
          channel: 'card',
          fees: null,
          customer: { id: randomInt(100_000, 999_999), email: b.email, customer_code: `CUS_${randomBytes(8).toString('hex')}` },
          authorization: null,
        },
      };
      this.transactions.set(reference, sim);
      const outcome = this.autoComplete;
      if (outcome) this.later(() => this.complete(reference, outcome));
      return ok('Authorization URL created', { authorization_url: `${this.url}/checkout/${sim.accessCode}`, access_code: sim.accessCode, reference });
    });

    api('GET', '/transaction/verify/:reference', (req) => {
      const sim = this.transactions.get(req.params.reference);
      return sim ? ok('Verification successful', { ...sim.tx, message: null, ip_address: '41.58.97.21', metadata: '', log: null, plan: null }) : fail(400, 'Transaction reference not found');
    });

    api('POST', '/refund', (req) => {
      const b = (req.parsed ?? {}) as { transaction?: unknown; amount?: unknown; customer_note?: string; merchant_note?: string };
      const sim = this.find(String(b.transaction ?? ''));
      if (!sim) return fail(404, 'Transaction not found');
      if (sim.tx.status === 'reversed') return fail(400, 'Transaction has been fully reversed');
      if (sim.tx.status !== 'success') return fail(400, 'Cannot refund a transaction that is not successful');
      const left = sim.tx.amount - sim.refunded;
      const amount = b.amount === undefined ? left : Number(b.amount);
      if (!Number.isInteger(amount) || amount <= 0) return fail(400, 'amount must be a positive integer', { type: 'validation_error', code: 'invalid_params' });
      if (amount > left) return fail(400, 'Refund amount cannot be greater than transaction amount', { type: 'validation_error', code: 'invalid_params' });
      sim.refunded += amount;
      const id = randomInt(1_000_000, 9_999_999);
      const now = new Date(this.clock.now()).toISOString();
      const notice: RefundNotice = { id, status: 'processed', transactionReference: sim.tx.reference, amount, currency: sim.tx.currency, customerEmail: sim.tx.customer?.email };
      // Queued now, processed a moment later, as Paystack does; a full refund reverses the transaction.
      this.later(async () => {
        if (sim.refunded === sim.tx.amount) sim.tx.status = 'reversed';
        await this.sendWebhook('refund.processed', refundEvent(notice));
      });
      return ok('Refund has been queued for processing', {
        transaction: { id: sim.tx.id, domain: 'test', reference: sim.tx.reference, amount: sim.tx.amount, paid_at: sim.tx.paid_at, channel: sim.tx.channel, currency: sim.tx.currency },
        integration: 412829,
        deducted_amount: 0,
        channel: null,
        merchant_note: b.merchant_note ?? `Refund for transaction ${sim.tx.reference}`,
        customer_note: b.customer_note ?? `Refund for transaction ${sim.tx.reference}`,
        status: 'pending',
        refunded_by: 'merchant@example.com',
        expected_at: new Date(this.clock.now() + 5 * 24 * 3600_000).toISOString(),
        currency: sim.tx.currency,
        domain: 'test',
        amount,
        fully_deducted: false,
        id,
        createdAt: now,
        updatedAt: now,
      });
    });

    api('GET', '/balance', () =>
      ok('Balances retrieved', [
        { currency: 'NGN', balance: 12_345_600 },
        { currency: 'USD', balance: 0 },
      ]),
    );

    // Checkout: a page with Pay / Decline, then back to callback_url?trxref=…&reference=… as Paystack does.
    const byCode = (code: string) => [...this.transactions.values()].find((s) => s.accessCode === code);
    this.server.route('GET', '/checkout/:code', (req) => {
      const sim = byCode(req.params.code);
      return sim ? { headers: { 'content-type': 'text/html; charset=utf-8' }, body: checkoutPage(sim.tx) } : { status: 404, body: 'Transaction not found' };
    });
    this.server.route('POST', '/checkout/:code', async (req) => {
      const sim = byCode(req.params.code);
      if (!sim) return { status: 404, body: 'Transaction not found' };
      const form = (req.parsed ?? {}) as { outcome?: string; channel?: string };
      const outcome = form.outcome === 'failed' ? 'failed' : 'success';
      await this.complete(sim.tx.reference, outcome, form.channel || undefined);
      if (!sim.callbackUrl) return { body: `Transaction ${sim.tx.reference}: ${outcome}\n` };
      const back = new URL(sim.callbackUrl);
      back.searchParams.set('trxref', sim.tx.reference);
      back.searchParams.set('reference', sim.tx.reference);
      return { status: 302, headers: { location: back.toString() }, body: '' };
    });
    this.server.route('GET', '/checkout-complete', (req) => ({
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: `Returned from checkout for ${req.query.reference ?? ''}\n`,
    }));
  }
}

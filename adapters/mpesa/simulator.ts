import { randomBytes } from 'node:crypto';
import type { SimulatorOptions } from '../../src/core/adapter.js';
import { ProviderSimulator } from '../../src/core/provider-simulator.js';
import { postCallback, type SimReply, type SimRequest } from '../../src/core/simulator.js';
import { darajaTimestamp } from './daraja-time.js';
import { STK_RESULT_DESCRIPTIONS, resultBody, stkCallbackBody } from './callback-bodies.js';
import { checkoutRequestId, conversationId, merchantRequestId, originatorConversationId, receiptNumber } from './ids.js';
import { balanceProblem, reversalProblem, stkPushProblem, stkQueryProblem } from './simulator-checks.js';

/**
 * A local Daraja: OAuth tokens that expire on the injected clock, STK push
 * and query, reversal and account balance, Daraja's error bodies, and the
 * callbacks it POSTs (STK result to the CallBackURL given, async results to
 * the ResultURL given).
 */
export interface StkOutcome {
  /** 0 paid; 1032 cancelled by user; 1037 phone unreachable; 1 insufficient funds; 2001 wrong PIN. */
  resultCode: number;
  resultDesc?: string;
}

export interface MpesaSimulatorOptions extends SimulatorOptions {
  shortcode?: string;
  /** What Daraja puts in expires_in. */
  tokenTtlSeconds?: number;
  /** Wait (on the clock) between accepting a request and POSTing its callback. */
  callbackDelayMs?: number;
  /** false: STK pushes stay pending until complete() is called, as if the customer had not answered yet. */
  autoComplete?: boolean;
  /** Working account balance, in shillings, before any payment. */
  initialBalance?: number;
}

interface Checkout {
  checkoutRequestId: string;
  merchantRequestId: string;
  amount: number;
  phone: string;
  callbackUrl: string;
  planned?: StkOutcome;
  state: 'pending' | 'completed';
  resultCode?: number;
  resultDesc?: string;
  receipt?: string;
}

export interface DeliveredCallback {
  url: string;
  /** The receiver's HTTP status; 0 when it could not be reached. */
  status: number;
  body: unknown;
}

const SUCCESS_DESC = 'The service request is processed successfully.';

export class MpesaSimulator extends ProviderSimulator {
  readonly checkouts = new Map<string, Checkout>();
  readonly callbacks: DeliveredCallback[] = [];
  readonly credentials: { consumerKey: string; consumerSecret: string; shortcode: string; passkey: string; initiator: string; securityCredential: string };

  private readonly tokens = new Map<string, number>();
  private readonly outcomes: StkOutcome[] = [];
  private readonly receipts = new Map<string, { amount: number; phone: string; reversed: boolean }>();
  private stallsAfterAccept = 0;
  private workingBalance: number;

  constructor(private readonly options: MpesaSimulatorOptions = {}) {
    super(options);
    this.workingBalance = options.initialBalance ?? 50_000;
    this.credentials = {
      consumerKey: `sim${randomBytes(12).toString('hex')}`,
      consumerSecret: randomBytes(12).toString('hex'),
      shortcode: options.shortcode ?? '174379',
      passkey: randomBytes(32).toString('hex'),
      initiator: 'testapi',
      securityCredential: randomBytes(48).toString('base64'),
    };
    this.server
      .route('GET', '/oauth/v1/generate', (req) => this.issueToken(req))
      .route('POST', '/mpesa/stkpush/v1/processrequest', (req) => this.stkPush(req))
      .route('POST', '/mpesa/stkpushquery/v1/query', (req) => this.stkQuery(req))
      .route('POST', '/mpesa/reversal/v1/request', (req) => this.reversal(req))
      .route('POST', '/mpesa/accountbalance/v1/query', (req) => this.accountBalance(req))
      // Where callbacks go when no receiver was named, so `simulate` works on its own.
      .route('POST', '/simulator/callbacks', () => ({ body: { ResultCode: 0, ResultDesc: 'Accepted' } }));
  }

  protected onListening(url: string): void {
    const callbackUrl = this.options.callbackUrl ?? `${url}/simulator/callbacks`;
    const { consumerKey, consumerSecret, shortcode, passkey, initiator, securityCredential } = this.credentials;
    this.config = {
      baseUrl: url,
      environment: 'sandbox',
      consumerKey,
      consumerSecret,
      shortcode,
      passkey,
      callbackUrl,
      initiator,
      securityCredential,
      resultUrl: callbackUrl,
      timeoutUrl: callbackUrl,
    };
  }

  /** The next STK pushes end this way, in order; unscripted ones succeed. */
  queueOutcome(...outcomes: (StkOutcome | number)[]): this {
    for (const o of outcomes) this.outcomes.push(typeof o === 'number' ? { resultCode: o } : o);
    return this;
  }

  /**
   * The next `times` STK pushes are processed (the customer is prompted and
   * the callback follows) but their HTTP answer never comes: the ambiguous
   * outcome an unsafe operation must survive.
   */
  acceptThenStall(times = 1): this {
    this.stallsAfterAccept += times;
    return this;
  }

  /** Daraja can revoke tokens before expires_in; every issued token stops working. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** Finishes a pending STK push (as the customer answering the prompt) and POSTs its callback. */
  async complete(id: string, outcome?: StkOutcome | number): Promise<void> {
    const checkout = this.checkouts.get(id);
    if (!checkout) throw new Error(`no STK push ${id}`);
    if (checkout.state === 'completed') return;
    const chosen = (typeof outcome === 'number' ? { resultCode: outcome } : outcome) ?? checkout.planned ?? { resultCode: 0 };
    checkout.state = 'completed';
    checkout.resultCode = chosen.resultCode;
    checkout.resultDesc = chosen.resultDesc ?? STK_RESULT_DESCRIPTIONS[chosen.resultCode] ?? 'The transaction failed.';
    let paid: { amount: number; receipt: string; transactionDate: string; phone: string } | undefined;
    if (chosen.resultCode === 0) {
      checkout.receipt = receiptNumber();
      this.receipts.set(checkout.receipt, { amount: checkout.amount, phone: checkout.phone, reversed: false });
      this.workingBalance += checkout.amount;
      paid = { amount: checkout.amount, receipt: checkout.receipt, transactionDate: darajaTimestamp(this.clock.now()), phone: checkout.phone };
    }
    await this.deliver(
      checkout.callbackUrl,
      stkCallbackBody({ merchantRequestId: checkout.merchantRequestId, checkoutRequestId: checkout.checkoutRequestId, resultCode: chosen.resultCode, resultDesc: checkout.resultDesc, paid }),
    );
  }

  private async deliver(url: string, body: unknown): Promise<void> {
    const status = await postCallback(url, JSON.stringify(body), { 'content-type': 'application/json' });
    this.callbacks.push({ url, status, body });
  }

  private fail(status: number, errorCode: string, errorMessage: string): SimReply {
    return { status, body: { requestId: `${Math.floor(this.clock.now() / 1000) % 100000}-${randomBytes(4).readUInt32BE() % 100_000_000}-1`, errorCode, errorMessage } };
  }

  private invalid(field: string): SimReply {
    return this.fail(400, '400.002.02', `Bad Request - Invalid ${field}`);
  }

  private issueToken(req: SimRequest): SimReply {
    if (req.query.grant_type !== 'client_credentials') return this.fail(400, '400.008.02', 'Invalid grant type passed');
    const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const [key, ...rest] = m ? Buffer.from(m[1], 'base64').toString('utf8').split(':') : [];
    if (key !== this.credentials.consumerKey || rest.join(':') !== this.credentials.consumerSecret) {
      return this.fail(400, '400.008.01', 'Invalid Authentication passed');
    }
    const ttl = this.options.tokenTtlSeconds ?? 3599;
    const token = randomBytes(21).toString('base64url');
    this.tokens.set(token, this.clock.now() + ttl * 1000);
    return { body: { access_token: token, expires_in: String(ttl) } };
  }

  /** The bearer token's problem, as Daraja reports it, or undefined. */
  private unauthorized(req: SimRequest): SimReply | undefined {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const expiresAt = token ? this.tokens.get(token) : undefined;
    if (expiresAt === undefined || expiresAt <= this.clock.now()) return this.fail(401, '404.001.03', 'Invalid Access Token');
    return undefined;
  }

  private json(req: SimRequest): Record<string, unknown> | undefined {
    return req.parsed && typeof req.parsed === 'object' ? (req.parsed as Record<string, unknown>) : undefined;
  }

  private stkPush(req: SimRequest): SimReply | void {
    const denied = this.unauthorized(req);
    if (denied) return denied;
    const body = this.json(req);
    if (!body) return this.fail(400, '400.002.05', 'Invalid Request Payload');
    const problem = stkPushProblem(body, this.credentials.shortcode, this.credentials.passkey);
    if (problem) return this.invalid(problem);
    const checkout: Checkout = {
      checkoutRequestId: checkoutRequestId(this.clock.now()),
      merchantRequestId: merchantRequestId(),
      amount: Number(body.Amount),
      phone: String(body.PhoneNumber),
      callbackUrl: String(body.CallBackURL),
      planned: this.outcomes.shift(),
      state: 'pending',
    };
    this.checkouts.set(checkout.checkoutRequestId, checkout);
    if (this.options.autoComplete !== false) this.later(() => this.complete(checkout.checkoutRequestId), this.options.callbackDelayMs);
    if (this.stallsAfterAccept > 0) {
      this.stallsAfterAccept--;
      return; // the response is never written; close() ends the socket
    }
    return {
      body: {
        MerchantRequestID: checkout.merchantRequestId,
        CheckoutRequestID: checkout.checkoutRequestId,
        ResponseCode: '0',
        ResponseDescription: 'Success. Request accepted for processing',
        CustomerMessage: 'Success. Request accepted for processing',
      },
    };
  }

  private stkQuery(req: SimRequest): SimReply {
    const denied = this.unauthorized(req);
    if (denied) return denied;
    const body = this.json(req);
    if (!body) return this.fail(400, '400.002.05', 'Invalid Request Payload');
    const problem = stkQueryProblem(body, this.credentials.shortcode, this.credentials.passkey);
    if (problem) return this.invalid(problem);
    const checkout = this.checkouts.get(String(body.CheckoutRequestID));
    if (!checkout) return this.invalid('CheckoutRequestID');
    if (checkout.state === 'pending') return this.fail(500, '500.001.1001', 'The transaction is being processed');
    return {
      body: {
        ResponseCode: '0',
        // Daraja's own spelling.
        ResponseDescription: 'The service request has been accepted successsfully',
        MerchantRequestID: checkout.merchantRequestId,
        CheckoutRequestID: checkout.checkoutRequestId,
        ResultCode: String(checkout.resultCode),
        ResultDesc: checkout.resultDesc,
      },
    };
  }

  private accepted(): { OriginatorConversationID: string; ConversationID: string; ResponseCode: string; ResponseDescription: string } {
    return {
      OriginatorConversationID: originatorConversationId(),
      ConversationID: conversationId(this.clock.now()),
      ResponseCode: '0',
      ResponseDescription: 'Accept the service request successfully.',
    };
  }

  private reversal(req: SimRequest): SimReply {
    const denied = this.unauthorized(req);
    if (denied) return denied;
    const body = this.json(req);
    if (!body) return this.fail(400, '400.002.05', 'Invalid Request Payload');
    const problem = reversalProblem(body);
    if (problem) return this.invalid(problem);
    const ids = this.accepted();
    const original = this.receipts.get(String(body.TransactionID));
    const base = { originatorConversationId: ids.OriginatorConversationID, conversationId: ids.ConversationID, transactionId: receiptNumber() };
    this.later(async () => {
      let result: unknown;
      if (body.Initiator !== this.credentials.initiator) {
        result = resultBody({ ...base, resultCode: 2001, resultDesc: 'The initiator information is invalid.' });
      } else if (!original) {
        result = resultBody({ ...base, resultCode: 'R000002', resultDesc: 'The OriginalTransactionID is invalid.' });
      } else if (original.reversed) {
        result = resultBody({ ...base, resultCode: 'R000001', resultDesc: 'The transaction has already been reversed.' });
      } else {
        original.reversed = true;
        const amount = Number(body.Amount);
        this.workingBalance -= amount;
        result = resultBody({
          ...base,
          resultCode: 0,
          resultDesc: SUCCESS_DESC,
          parameters: [
            { Key: 'DebitAccountBalance', Value: `Working Account|KES|${this.workingBalance.toFixed(2)}|${this.workingBalance.toFixed(2)}|0.00|0.00` },
            { Key: 'Amount', Value: amount },
            { Key: 'TransCompletedTime', Value: Number(darajaTimestamp(this.clock.now())) },
            { Key: 'OriginalTransactionID', Value: String(body.TransactionID) },
            { Key: 'Charge', Value: 0 },
            { Key: 'CreditPartyPublicName', Value: `${original.phone} - Simulated Customer` },
            { Key: 'DebitPartyPublicName', Value: `${this.credentials.shortcode} - Simulated Merchant` },
          ],
          queueTimeoutUrl: String(body.QueueTimeOutURL),
        });
      }
      await this.deliver(String(body.ResultURL), result);
    }, this.options.callbackDelayMs);
    return { body: ids };
  }

  private accountBalance(req: SimRequest): SimReply {
    const denied = this.unauthorized(req);
    if (denied) return denied;
    const body = this.json(req);
    if (!body) return this.fail(400, '400.002.05', 'Invalid Request Payload');
    const problem = balanceProblem(body);
    if (problem) return this.invalid(problem);
    const ids = this.accepted();
    const base = { originatorConversationId: ids.OriginatorConversationID, conversationId: ids.ConversationID, transactionId: receiptNumber() };
    this.later(async () => {
      if (body.Initiator !== this.credentials.initiator) {
        await this.deliver(String(body.ResultURL), resultBody({ ...base, resultCode: 2001, resultDesc: 'The initiator information is invalid.' }));
        return;
      }
      const w = this.workingBalance.toFixed(2);
      const accounts = [`Working Account|KES|${w}|${w}|0.00|0.00`, 'Float Account|KES|0.00|0.00|0.00|0.00', 'Utility Account|KES|0.00|0.00|0.00|0.00', 'Charges Paid Account|KES|0.00|0.00|0.00|0.00', 'Organization Settlement Account|KES|0.00|0.00|0.00|0.00'];
      await this.deliver(
        String(body.ResultURL),
        resultBody({
          ...base,
          resultCode: 0,
          resultDesc: SUCCESS_DESC,
          parameters: [
            { Key: 'AccountBalance', Value: accounts.join('&') },
            { Key: 'BOCompletedTime', Value: Number(darajaTimestamp(this.clock.now())) },
          ],
          queueTimeoutUrl: String(body.QueueTimeOutURL),
        }),
      );
    }, this.options.callbackDelayMs);
    return { body: ids };
  }
}

export async function startMpesaSimulator(options: MpesaSimulatorOptions = {}): Promise<MpesaSimulator> {
  return new MpesaSimulator(options).start();
}

import type { InboundWebhook, NormalizedEvent, WebhookSection } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { MpesaConfig } from './config.js';
import { parseDarajaTimestamp, darajaTimestamp } from './daraja-time.js';
import { stkStatus } from './stk-result.js';
import { STK_RESULT_DESCRIPTIONS, resultBody, stkCallbackBody } from './callback-bodies.js';
import { checkoutRequestId, conversationId, merchantRequestId, originatorConversationId, receiptNumber } from './ids.js';

interface StkCallback {
  MerchantRequestID?: string;
  CheckoutRequestID?: string;
  ResultCode?: number | string;
  ResultDesc?: string;
  CallbackMetadata?: { Item?: { Name?: string; Value?: unknown }[] };
}

interface DarajaResult {
  ResultType?: number;
  ResultCode?: number | string;
  ResultDesc?: string;
  OriginatorConversationID?: string;
  ConversationID?: string;
  TransactionID?: string;
  ResultParameters?: { ResultParameter?: KeyValue[] | KeyValue };
}

interface KeyValue {
  Key?: string;
  Value?: unknown;
}

function readJson(req: InboundWebhook): { Body?: { stkCallback?: StkCallback }; Result?: DarajaResult } {
  try {
    const parsed = JSON.parse(req.rawBody.toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object') return parsed as { Body?: { stkCallback?: StkCallback }; Result?: DarajaResult };
  } catch {
    // fall through
  }
  throw new IntegrationError('INVALID_REQUEST', 'M-Pesa callback body is not a JSON object');
}

function toIso(ms: number | undefined, fallback: number): string {
  return new Date(ms ?? fallback).toISOString();
}

function stkEvent(cb: StkCallback, req: InboundWebhook): NormalizedEvent {
  if (!cb.CheckoutRequestID || cb.ResultCode === undefined) {
    throw new IntegrationError('INVALID_REQUEST', 'M-Pesa STK callback lacks CheckoutRequestID or ResultCode');
  }
  const items = new Map((cb.CallbackMetadata?.Item ?? []).map((i) => [i.Name, i.Value]));
  const resultCode = String(cb.ResultCode);
  const status = stkStatus(resultCode);
  const transactionDate = parseDarajaTimestamp(items.get('TransactionDate'));
  const phone = items.get('PhoneNumber');
  const amount = items.get('Amount');
  return {
    // A callback is final: anything but success means the customer was not charged.
    type: status === 'succeeded' ? 'payment.succeeded' : 'payment.failed',
    externalId: cb.CheckoutRequestID,
    occurredAt: toIso(transactionDate, req.receivedAt),
    data: {
      checkoutRequestId: cb.CheckoutRequestID,
      merchantRequestId: cb.MerchantRequestID,
      resultCode,
      resultDesc: cb.ResultDesc ?? '',
      ...(req.query.reference ? { reference: req.query.reference } : {}),
      ...(amount !== undefined ? { amount: Number(amount) } : {}),
      ...(items.get('MpesaReceiptNumber') !== undefined ? { receipt: String(items.get('MpesaReceiptNumber')) } : {}),
      ...(phone !== undefined ? { phone: String(phone) } : {}),
      ...(transactionDate !== undefined ? { transactionDate: new Date(transactionDate).toISOString() } : {}),
    },
  };
}

/** "Working Account|KES|46713.00|46713.00|0.00|0.00&Float Account|KES|0.00|…": name|currency|then amounts (current, available, reserved, uncleared — column meaning as integrators describe it, UNCONFIRMED). */
export function parseAccountBalance(value: string): { account: string; currency: string; balance: number; available?: number }[] {
  return value
    .split('&')
    .map((part) => part.split('|'))
    .filter((cols) => cols.length >= 3)
    .map(([account, currency, current, available]) => ({
      account,
      currency,
      balance: Number(current),
      ...(available !== undefined && available !== '' ? { available: Number(available) } : {}),
    }));
}

function resultEvent(r: DarajaResult, req: InboundWebhook): NormalizedEvent {
  if (r.ResultCode === undefined || !r.ConversationID) throw new IntegrationError('INVALID_REQUEST', 'M-Pesa result callback lacks ResultCode or ConversationID');
  const raw = r.ResultParameters?.ResultParameter;
  const params = new Map((Array.isArray(raw) ? raw : raw ? [raw] : []).map((p) => [p.Key, p.Value]));
  const command = req.query.command ?? (params.has('AccountBalance') ? 'balance' : params.has('OriginalTransactionID') ? 'reversal' : undefined);
  const ok = String(r.ResultCode) === '0' && req.query.timeout === undefined;
  const completed = parseDarajaTimestamp(params.get('TransCompletedTime') ?? params.get('BOCompletedTime'));
  const data: Record<string, unknown> = {
    conversationId: r.ConversationID,
    originatorConversationId: r.OriginatorConversationID,
    transactionId: r.TransactionID,
    resultCode: String(r.ResultCode),
    resultDesc: r.ResultDesc ?? '',
    ...(req.query.timeout !== undefined ? { timedOut: true } : {}),
  };
  let type: string;
  if (command === 'balance') {
    type = ok ? 'balance.reported' : 'balance.failed';
    const value = params.get('AccountBalance');
    if (typeof value === 'string') data.accounts = parseAccountBalance(value);
  } else if (command === 'reversal') {
    type = ok ? 'refund.succeeded' : 'refund.failed';
    if (params.has('OriginalTransactionID')) data.originalTransactionId = String(params.get('OriginalTransactionID'));
    if (params.has('Amount')) data.amount = Number(params.get('Amount'));
  } else {
    type = ok ? 'mpesa.result.succeeded' : 'mpesa.result.failed';
  }
  return { type, externalId: r.ConversationID, occurredAt: toIso(completed, req.receivedAt), data };
}

export const mpesaWebhook: WebhookSection<MpesaConfig> = {
  // Daraja signs nothing: a secret token in the callback path (plus an optional IP allow-list) guards the endpoint.
  verification: { scheme: 'token', location: 'path' },
  eventId(req) {
    try {
      const body = readJson(req);
      return body.Body?.stkCallback?.CheckoutRequestID ?? body.Result?.ConversationID;
    } catch {
      return undefined;
    }
  },
  parse(req) {
    const body = readJson(req);
    if (body.Body?.stkCallback) return [stkEvent(body.Body.stkCallback, req)];
    if (body.Result) return [resultEvent(body.Result, req)];
    throw new IntegrationError('INVALID_REQUEST', 'not an M-Pesa callback: expected Body.stkCallback or Result');
  },
  acknowledge: { status: 200, contentType: 'application/json', body: '{"ResultCode":0,"ResultDesc":"Accepted"}' },
  sampleEvents: ['payment.succeeded', 'payment.failed', 'refund.succeeded'],
  sample(eventType, config) {
    const now = Date.now();
    const type = eventType ?? 'payment.succeeded';
    const headers = { 'content-type': 'application/json' };
    if (type === 'refund.succeeded') {
      const body = resultBody({
        resultCode: 0,
        resultDesc: 'The service request is processed successfully.',
        originatorConversationId: originatorConversationId(),
        conversationId: conversationId(now),
        transactionId: receiptNumber(),
        parameters: [
          { Key: 'OriginalTransactionID', Value: receiptNumber() },
          { Key: 'Amount', Value: 100 },
          { Key: 'TransCompletedTime', Value: Number(darajaTimestamp(now)) },
          { Key: 'CreditPartyPublicName', Value: '254708374149 - John Doe' },
          { Key: 'DebitPartyPublicName', Value: `${config.shortcode} - Merchant` },
        ],
      });
      // No ?command= here: parse recognises a reversal result by its OriginalTransactionID.
      return { headers, body: JSON.stringify(body), eventType: type };
    }
    if (type !== 'payment.succeeded' && type !== 'payment.failed') {
      throw new IntegrationError('INVALID_REQUEST', `mpesa has no sample for "${type}"; samples: payment.succeeded, payment.failed, refund.succeeded`);
    }
    const resultCode = type === 'payment.succeeded' ? 0 : 1032;
    const body = stkCallbackBody({
      merchantRequestId: merchantRequestId(),
      checkoutRequestId: checkoutRequestId(now),
      resultCode,
      resultDesc: STK_RESULT_DESCRIPTIONS[resultCode],
      ...(resultCode === 0 ? { paid: { amount: 1, receipt: receiptNumber(), transactionDate: darajaTimestamp(now), phone: '254708374149' } } : {}),
    });
    return { headers, body: JSON.stringify(body), eventType: type };
  },
};

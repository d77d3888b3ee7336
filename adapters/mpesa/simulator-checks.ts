import { stkPassword } from './daraja-time.js';

/**
 * The simulator's request checks, in Daraja's terms: each returns the name
 * of the first field Daraja would call invalid ("Bad Request - Invalid X"),
 * or undefined when the request is acceptable.
 */
type Body = Record<string, unknown>;

const isText = (v: unknown): v is string | number => (typeof v === 'string' && v.trim() !== '') || typeof v === 'number';
const isUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\/\S+$/.test(v);
const isWhole = (v: unknown) => (typeof v === 'number' || (typeof v === 'string' && v.trim() !== '')) && Number.isInteger(Number(v)) && Number(v) >= 1;
export const isMsisdn = (v: unknown) => isText(v) && /^254[17]\d{8}$/.test(String(v));

function passwordProblem(body: Body, shortcode: string, passkey: string): string | undefined {
  if (String(body.BusinessShortCode ?? '') !== shortcode) return 'BusinessShortCode';
  if (!/^\d{14}$/.test(String(body.Timestamp ?? ''))) return 'Timestamp';
  if (body.Password !== stkPassword(shortcode, passkey, String(body.Timestamp))) return 'Password';
  return undefined;
}

export function stkPushProblem(body: Body, shortcode: string, passkey: string): string | undefined {
  return (
    passwordProblem(body, shortcode, passkey) ??
    (body.TransactionType !== 'CustomerPayBillOnline' && body.TransactionType !== 'CustomerBuyGoodsOnline' ? 'TransactionType' : undefined) ??
    (!isWhole(body.Amount) ? 'Amount' : undefined) ??
    (!isMsisdn(body.PartyA) ? 'PartyA' : undefined) ??
    (!isText(body.PartyB) ? 'PartyB' : undefined) ??
    (!isMsisdn(body.PhoneNumber) ? 'PhoneNumber' : undefined) ??
    // Real Daraja insists on https; loopback development needs http.
    (!isUrl(body.CallBackURL) ? 'CallBackURL' : undefined) ??
    (!isText(body.AccountReference) || String(body.AccountReference).length > 12 ? 'AccountReference' : undefined) ??
    (!isText(body.TransactionDesc) ? 'TransactionDesc' : undefined)
  );
}

export function stkQueryProblem(body: Body, shortcode: string, passkey: string): string | undefined {
  return passwordProblem(body, shortcode, passkey) ?? (!isText(body.CheckoutRequestID) ? 'CheckoutRequestID' : undefined);
}

function initiatorProblem(body: Body, command: string): string | undefined {
  return (
    (!isText(body.Initiator) ? 'Initiator' : undefined) ??
    (!isText(body.SecurityCredential) ? 'SecurityCredential' : undefined) ??
    (body.CommandID !== command ? 'CommandID' : undefined) ??
    (!isUrl(body.ResultURL) ? 'ResultURL' : undefined) ??
    (!isUrl(body.QueueTimeOutURL) ? 'QueueTimeOutURL' : undefined) ??
    (!isText(body.Remarks) ? 'Remarks' : undefined)
  );
}

export function reversalProblem(body: Body): string | undefined {
  return (
    initiatorProblem(body, 'TransactionReversal') ??
    (!isText(body.TransactionID) ? 'TransactionID' : undefined) ??
    (!isWhole(body.Amount) ? 'Amount' : undefined) ??
    (!isText(body.ReceiverParty) ? 'ReceiverParty' : undefined) ??
    (!isText(body.RecieverIdentifierType) ? 'RecieverIdentifierType' : undefined)
  );
}

export function balanceProblem(body: Body): string | undefined {
  return initiatorProblem(body, 'AccountBalance') ?? (!isText(body.PartyA) ? 'PartyA' : undefined) ?? (!isText(body.IdentifierType) ? 'IdentifierType' : undefined);
}

/**
 * The bodies Daraja POSTs (providers.md §1), built in one place for the
 * simulator and for `webhooks trigger` samples. Numbers stay numbers:
 * ResultCode, Amount, TransactionDate and PhoneNumber arrive as JSON numbers.
 */
export interface StkOutcomeFields {
  merchantRequestId: string;
  checkoutRequestId: string;
  resultCode: number;
  resultDesc: string;
  /** Present only on success. */
  paid?: { amount: number; receipt: string; transactionDate: string; phone: string };
}

export function stkCallbackBody(f: StkOutcomeFields): unknown {
  return {
    Body: {
      stkCallback: {
        MerchantRequestID: f.merchantRequestId,
        CheckoutRequestID: f.checkoutRequestId,
        ResultCode: f.resultCode,
        ResultDesc: f.resultDesc,
        ...(f.paid
          ? {
              CallbackMetadata: {
                Item: [
                  { Name: 'Amount', Value: f.paid.amount },
                  { Name: 'MpesaReceiptNumber', Value: f.paid.receipt },
                  { Name: 'Balance' },
                  { Name: 'TransactionDate', Value: Number(f.paid.transactionDate) },
                  { Name: 'PhoneNumber', Value: Number(f.paid.phone) },
                ],
              },
            }
          : {}),
      },
    },
  };
}

export interface ResultFields {
  resultCode: number | string;
  resultDesc: string;
  originatorConversationId: string;
  conversationId: string;
  transactionId: string;
  parameters?: { Key: string; Value: string | number }[];
  queueTimeoutUrl?: string;
}

export function resultBody(f: ResultFields): unknown {
  return {
    Result: {
      ResultType: 0,
      ResultCode: f.resultCode,
      ResultDesc: f.resultDesc,
      OriginatorConversationID: f.originatorConversationId,
      ConversationID: f.conversationId,
      TransactionID: f.transactionId,
      ...(f.parameters ? { ResultParameters: { ResultParameter: f.parameters } } : {}),
      ...(f.queueTimeoutUrl ? { ReferenceData: { ReferenceItem: { Key: 'QueueTimeoutURL', Value: f.queueTimeoutUrl } } } : {}),
    },
  };
}

/** Well-known STK result descriptions, as Daraja words them. */
export const STK_RESULT_DESCRIPTIONS: Record<number, string> = {
  0: 'The service request is processed successfully.',
  1: 'The balance is insufficient for the transaction.',
  1032: 'Request cancelled by user',
  1037: 'DS timeout user cannot be reached',
  2001: 'The initiator information is invalid.',
};

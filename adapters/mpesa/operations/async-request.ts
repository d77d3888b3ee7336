import { z } from 'zod';
import type { AdapterContext } from '../../../src/core/adapter.js';
import { IntegrationError } from '../../../src/core/errors.js';
import type { MpesaConfig } from '../config.js';
import { darajaError } from '../errors.js';
import { darajaRequest } from '../token.js';

/** Daraja's synchronous answer to reversal and account-balance requests; the result follows at ResultURL. */
interface AcceptedResponse {
  OriginatorConversationID?: string;
  ConversationID?: string;
  ResponseCode?: string | number;
  ResponseDescription?: string;
}

export const acceptedOutput = z.object({
  status: z.literal('pending'),
  conversationId: z.string(),
  originatorConversationId: z.string(),
  responseDescription: z.string(),
});

export async function submitAsync(ctx: AdapterContext<MpesaConfig>, path: string, body: Record<string, unknown>, action: string): Promise<z.input<typeof acceptedOutput>> {
  const res = await darajaRequest(ctx, { method: 'POST', path, json: body });
  if (res.status !== 200) throw darajaError(res, ctx.clock.now(), action);
  const answer = res.json<AcceptedResponse>();
  if (String(answer.ResponseCode) !== '0' || !answer.ConversationID || !answer.OriginatorConversationID) {
    const message = answer.ResponseDescription ?? 'no ConversationID in the answer';
    throw new IntegrationError('INVALID_REQUEST', `M-Pesa ${action} was not accepted: ${message}`, {
      provider: { status: res.status, code: answer.ResponseCode === undefined ? undefined : String(answer.ResponseCode), message },
    });
  }
  return {
    status: 'pending',
    conversationId: answer.ConversationID,
    originatorConversationId: answer.OriginatorConversationID,
    responseDescription: answer.ResponseDescription ?? '',
  };
}

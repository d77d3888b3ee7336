import { z } from 'zod';
import { defineOperation, type AdapterContext } from '../../../src/core/adapter.js';
import type { MpesaConfig } from '../config.js';
import { initiatorSettings } from '../initiator.js';
import { acceptedOutput, submitAsync } from './async-request.js';

/**
 * Account balance is asynchronous on Daraja: this returns the accepted
 * request's ids, and the balances arrive at ResultURL as balance.reported.
 */
export const balance = defineOperation({
  description: 'Request the shortcode account balances; they arrive at the result URL as balance.reported',
  input: z.object({ remarks: z.string().trim().min(1).max(100).default('Account balance') }),
  output: acceptedOutput,
  // A read: asking twice only produces a second report.
  retry: 'safe',
  async run(ctx: AdapterContext<MpesaConfig>, input) {
    const s = initiatorSettings(ctx.config, 'balance');
    return submitAsync(
      ctx,
      '/mpesa/accountbalance/v1/query',
      {
        Initiator: s.initiator,
        SecurityCredential: s.securityCredential,
        CommandID: 'AccountBalance',
        PartyA: ctx.config.shortcode,
        IdentifierType: '4',
        Remarks: input.remarks,
        QueueTimeOutURL: s.timeoutUrl,
        ResultURL: s.resultUrl,
      },
      'account balance',
    );
  },
});

import { IntegrationError } from '../../src/core/errors.js';
import type { MpesaConfig } from './config.js';
import { withParams } from './callback-url.js';

export interface InitiatorSettings {
  initiator: string;
  securityCredential: string;
  resultUrl: string;
  timeoutUrl: string;
}

/**
 * Reversal and account balance act as an API operator and answer
 * asynchronously; without these settings Daraja would refuse the request,
 * so it is refused here before anything is sent. `command` rides on the
 * result URLs so the webhook knows which answer it holds.
 */
export function initiatorSettings(config: MpesaConfig, command: 'reversal' | 'balance'): InitiatorSettings {
  const missing = (['initiator', 'securityCredential', 'resultUrl', 'timeoutUrl'] as const).filter((k) => !config[k]);
  if (missing.length) {
    throw new IntegrationError('CONFIG_INVALID', `M-Pesa ${command} needs ${missing.join(', ')} in the integration config`, {
      requestSent: false,
      issues: missing.map((k) => `config.${k}: required for ${command}`),
    });
  }
  return {
    initiator: config.initiator as string,
    securityCredential: config.securityCredential as string,
    resultUrl: withParams(config.resultUrl as string, { command }),
    timeoutUrl: withParams(config.timeoutUrl as string, { command, timeout: '1' }),
  };
}

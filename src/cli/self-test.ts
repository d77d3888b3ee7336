import { randomUUID } from 'node:crypto';
import type { AdapterDefinition } from '../core/adapter.js';
import type { Clock } from '../core/clock.js';
import type { ResolvedIntegration } from '../config/types.js';
import { buildContext } from '../core/context.js';
import { withDeadline } from '../core/deadline.js';
import { IntegrationError, toIntegrationError } from '../core/errors.js';
import { integrationSecrets } from '../core/executor.js';
import { redact, scrub } from '../core/redact.js';
import { SecretSet } from '../core/secret-set.js';
import { StoreError } from '../store/errors.js';
import type { Session } from './deps.js';

/**
 * Runs the adapter's self-test once (no retries: a test should show the
 * first failure), bounded by the integration's timeout. Errors come back as
 * IntegrationError with secrets scrubbed from the message.
 */
export async function runSelfTest(
  deps: Pick<Session, 'config' | 'store'> & Partial<Pick<Session, 'secrets'>> & { clock: Clock; signal?: AbortSignal },
  integration: ResolvedIntegration,
  adapter: AdapterDefinition,
): Promise<string> {
  const selfTest = adapter.selfTest;
  if (!selfTest) return '';
  const secrets = deps.secrets ?? new SecretSet();
  secrets.addAll(integrationSecrets(integration, adapter));
  try {
    const run = (signal: AbortSignal) =>
      selfTest(
        buildContext({
          integration,
          adapter,
          store: deps.store,
          clock: deps.clock,
          baseDir: deps.config.dir,
          idempotencyKey: `self-test:${randomUUID()}`,
          correlationId: randomUUID(),
          signal,
          secrets,
        }),
      );
    const timeoutError = () => new IntegrationError('TIMEOUT', `self-test did not finish within ${integration.timeoutMs} ms`);
    return (await withDeadline(integration.timeoutMs, deps.signal, timeoutError, run)) ?? '';
  } catch (thrown) {
    if (thrown instanceof StoreError) throw thrown;
    const error = toIntegrationError(thrown);
    const message = scrub(error.message, secrets);
    throw new IntegrationError(error.category, message, { provider: error.provider && redact(error.provider, { values: secrets }), retryAfterMs: error.retryAfterMs, requestSent: error.requestSent, issues: error.issues });
  }
}

import { createHash } from 'node:crypto';
import type { AdapterContext } from '../../src/core/adapter.js';
import { IntegrationError, type ErrorCategory } from '../../src/core/errors.js';
import type { MockConfig, ScriptedFault } from './config.js';

/** What random failures (failureRate) draw from: the transient trouble a real provider causes. */
const RANDOM_FAULTS: ErrorCategory[] = ['SERVER_ERROR', 'TIMEOUT', 'NETWORK_ERROR', 'RATE_LIMITED'];

interface CallCursor {
  /** Fingerprint of the scripted sequence the cursor belongs to: a new script starts from its first entry. */
  script: string;
  calls: number;
}

const CURSOR_KEY = 'mock:cursor';

/**
 * Runs one mock provider call: waits the configured latency, then decides
 * this call's fate from the scripted sequence, else the failure rate. A
 * TIMEOUT happens after the provider did the work (the answer is lost on
 * the way back), which is what makes retry safety matter; every other
 * failure happens before any effect.
 */
export async function callProvider<T>(ctx: AdapterContext<MockConfig>, effect: () => Promise<T>): Promise<T> {
  const config = ctx.config;
  if (config.latencyMs > 0) await ctx.clock.sleep(config.latencyMs, ctx.signal);
  const fault = await nextFault(ctx);
  if (fault === 'ok') return effect();
  if (fault === 'TIMEOUT') {
    await effect();
    throw faultError(fault, config);
  }
  throw faultError(fault, config);
}

async function nextFault(ctx: AdapterContext<MockConfig>): Promise<ScriptedFault> {
  const { failures, failureRate, seed } = ctx.config;
  // Only a script or a seeded rate needs to know which call this is; the plain mock stays a zero-cost provider.
  if (failures.length === 0 && (failureRate <= 0 || seed === undefined)) {
    return failureRate > 0 && Math.random() < failureRate ? randomFault(Math.random()) : 'ok';
  }
  const script = createHash('sha256').update(JSON.stringify(failures)).digest('hex').slice(0, 16);
  const stored = await ctx.cache.get<CallCursor>(CURSOR_KEY);
  const call = stored && stored.script === script ? stored.calls : 0;
  await ctx.cache.set(CURSOR_KEY, { script, calls: call + 1 } satisfies CallCursor);
  if (call < failures.length) return failures[call];
  if (failureRate <= 0) return 'ok';
  const draw = seed === undefined ? Math.random() : seededUniform(seed, call, 0);
  if (draw >= failureRate) return 'ok';
  return randomFault(seed === undefined ? Math.random() : seededUniform(seed, call, 1));
}

function randomFault(pick: number): ScriptedFault {
  return RANDOM_FAULTS[Math.min(RANDOM_FAULTS.length - 1, Math.floor(pick * RANDOM_FAULTS.length))] as ScriptedFault;
}

/** A uniform number in [0, 1) that depends only on (seed, call, stream): reproducible across processes. */
function seededUniform(seed: number, call: number, stream: number): number {
  return createHash('sha256').update(`${seed}:${call}:${stream}`).digest().readUInt32BE(0) / 2 ** 32;
}

function faultError(category: Exclude<ScriptedFault, 'ok'>, config: MockConfig): IntegrationError {
  switch (category) {
    case 'NETWORK_ERROR':
      return new IntegrationError('NETWORK_ERROR', 'mock provider: connection refused', { requestSent: false });
    case 'TIMEOUT':
      return new IntegrationError('TIMEOUT', 'mock provider: no response before the timeout', { requestSent: true });
    case 'RATE_LIMITED':
      return new IntegrationError('RATE_LIMITED', 'mock provider: too many requests', {
        provider: { status: 429, code: 'rate_limited', message: 'Too Many Requests' },
        retryAfterMs: config.retryAfterMs,
        requestSent: true,
      });
    case 'SERVER_ERROR':
      return new IntegrationError('SERVER_ERROR', 'mock provider: service unavailable', {
        provider: { status: 503, code: 'unavailable', message: 'Service Unavailable' },
        requestSent: true,
      });
    case 'AUTHENTICATION_FAILED': {
      // Careless SDKs echo the credential back; the engine must scrub it before anything is logged or printed.
      const key = config.secretKey ? ` ${config.secretKey}` : '';
      return new IntegrationError('AUTHENTICATION_FAILED', `mock provider: invalid API key${key}`, {
        provider: { status: 401, code: 'invalid_api_key', message: `Invalid API key${key}` },
      });
    }
    case 'INVALID_REQUEST':
      return new IntegrationError('INVALID_REQUEST', 'mock provider: request rejected', { provider: { status: 400, code: 'invalid_request', message: 'Bad Request' } });
    case 'NOT_FOUND':
      return new IntegrationError('NOT_FOUND', 'mock provider: resource not found', { provider: { status: 404, code: 'resource_missing', message: 'Not Found' } });
    case 'CONFLICT':
      return new IntegrationError('CONFLICT', 'mock provider: conflicting request', { provider: { status: 409, code: 'conflict', message: 'Conflict' } });
  }
}

import { isIP } from 'node:net';
import { z } from 'zod';
import { DEFAULT_MAX_JSON_DEPTH, MAX_NESTING } from '../core/nesting.js';
import { DURATION_HINT, parseDuration } from './duration.js';
import { storeModeProblem } from './store-modes.js';
import { MAX_TOLERANCE_SECONDS } from './webhook-strength.js';

/** Integration names: they appear in URLs (/webhooks/<name>), env var names and CLI arguments. */
export const INTEGRATION_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Milliseconds, given as a number or a duration string ("90s", "5m"). */
export function durationMs() {
  return z
    .union([z.number(), z.string()], {
      error: (iss) => (iss.input === undefined ? 'Required' : `expected ${DURATION_HINT}`),
    })
    .transform((value, ctx) => {
      try {
        return parseDuration(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: `expected ${DURATION_HINT}` });
        return z.NEVER;
      }
    });
}

const retrySchema = z.strictObject({
  maxAttempts: z.int().min(1).max(100).default(3),
  baseDelayMs: durationMs().default(200),
  maxDelayMs: durationMs().default(10_000),
}).superRefine((v, ctx) => {
  if (v.maxDelayMs < v.baseDelayMs) {
    ctx.addIssue({ code: 'custom', path: ['maxDelayMs'], message: 'must be at least baseDelayMs' });
  }
});

const rateLimitSchema = z
  .strictObject({
    perSecond: z.number().positive().optional(),
    perMinute: z.number().positive().optional(),
    /** Bucket size; defaults to one second's worth (at least 1). */
    burst: z.int().min(1).optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.perSecond === undefined) === (v.perMinute === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of perSecond or perMinute' });
    }
  })
  .transform((v) => {
    const perSecond = v.perSecond ?? (v.perMinute as number) / 60;
    return { perSecond, burst: v.burst ?? Math.max(1, Math.ceil(perSecond)) };
  });

const circuitSchema = z.strictObject({
  consecutiveFailures: z.int().min(1).default(5),
  failureRatio: z.number().gt(0).max(1).optional(),
  windowMs: durationMs().default(60_000),
  minimumCalls: z.int().min(1).default(10),
  cooldownMs: durationMs().default(30_000),
});

/** How the offline queue retries this integration's jobs (defaults in src/queue/settings.ts). */
const queueSchema = z.strictObject({
  maxAttempts: z.int().min(1).max(100).optional(),
  baseDelayMs: durationMs().optional(),
  maxDelayMs: durationMs().optional(),
});

function isIpOrCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Scheme-specific options pass through to the verifier. */
const webhookSchema = z.looseObject({
  scheme: z.string().min(1).optional(),
  secrets: z.array(z.string().min(1)).default([]),
  toleranceSeconds: z.int().min(0).max(MAX_TOLERANCE_SECONDS, 'at most 3600 (an hour): a captured request can be replayed for as long as the window is open').default(300),
  allowIps: z.array(z.string().refine(isIpOrCidr, 'expected an IP address or CIDR range')).default([]),
});

/** One integration; `config` is replaced by the adapter's own schema when the adapter is known. */
/**
 * The reverse proxies whose X-Forwarded-For is believed, as addresses or
 * CIDRs. `true` (believe anyone) is refused: any client can write that header
 * and walk past an IP allow-list. `false` is the same as none.
 */
const trustProxySchema = z
  .union([z.array(z.string().refine(isIpOrCidr, 'expected an IP address or CIDR range')), z.boolean()])
  .default([])
  .transform((value, ctx) => {
    if (value === true) {
      ctx.addIssue({
        code: 'custom',
        message: "true would believe any client's X-Forwarded-For; list your proxies' addresses instead, e.g. ['10.0.0.5', '10.1.0.0/16']",
      });
      return z.NEVER;
    }
    return value === false ? [] : value;
  });

export const integrationSchema = z.strictObject({
  adapter: z.string().min(1),
  enabled: z.boolean().default(true),
  config: z.record(z.string(), z.unknown()).default({}),
  retry: retrySchema.prefault({}),
  timeoutMs: durationMs().default(30_000),
  /** Largest provider answer read into memory (default 8 MiB, src/http/client.ts); a larger one fails. */
  maxResponseBytes: z.int().positive().optional(),
  rateLimit: rateLimitSchema.optional(),
  circuit: circuitSchema.prefault({}),
  queueOnFailure: z.boolean().default(false),
  queue: queueSchema.optional(),
  webhook: webhookSchema.optional(),
  sensitive: z.array(z.string().min(1)).default([]),
});

export function integrationSchemaFor(adapterConfig: z.ZodType | undefined) {
  return adapterConfig ? integrationSchema.extend({ config: adapterConfig }) : integrationSchema;
}

export type ParsedIntegration = z.output<typeof integrationSchema>;

/**
 * The whole file. Integrations are checked one by one afterwards, each
 * against its adapter, so here they are only a record.
 */
export const configFileSchema = z.strictObject({
  store: z
    .strictObject({
      backend: z.literal('sqlite').default('sqlite'),
      path: z.string().min(1).optional(),
      busyTimeoutMs: durationMs().default(5_000),
      mode: z
        .string()
        .superRefine((value, ctx) => {
          const problem = storeModeProblem(value);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
        .optional(),
      group: z.string().min(1).optional(),
    })
    .prefault({}),
  adapters: z.array(adapterPackageName()).default([]),
  idempotency: z.strictObject({ ttl: durationMs().default(86_400_000) }).prefault({}),
  daemon: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.int().min(0).max(65_535).default(8787),
      publicUrl: z.url().optional(),
      maxBodyBytes: z.int().positive().default(1024 * 1024),
      trustProxy: trustProxySchema,
      // Bounded above so that nothing walking a payload can exhaust the stack (src/core/nesting.ts).
      maxJsonDepth: z.int().min(1).max(MAX_NESTING - 1).default(DEFAULT_MAX_JSON_DEPTH),
    })
    .prefault({}),
  /** Outbound delivery to subscribers: the delay before each attempt, first to last. */
  webhooks: z
    .strictObject({
      deliverySchedule: z.array(durationMs()).min(1).max(50).optional(),
      // Subscriber URLs may reach loopback, private and link-local addresses (off: only public ones).
      outbound: z.strictObject({ allowPrivateNetworks: z.boolean().default(false) }).prefault({}),
    })
    .prefault({}),
  integrations: z.record(z.string(), z.unknown()).default({}),
});

export type ParsedConfigFile = z.output<typeof configFileSchema>;

/**
 * An installed package, by name (`acme-adapter`, `@acme/integrations-sms`,
 * `@acme/kit/sms`). Never a path: a file named in a JSON config would be
 * imported, that is run, before anything in the config is checked.
 */
function adapterPackageName() {
  return z
    .string()
    .regex(/^(@[a-z0-9~][\w.~-]*\/)?[a-z0-9~][\w.~-]*(\/[\w~-][\w.~-]*)*$/i, 'must be an installed adapter package by name (e.g. "@acme/integrations-sms"), not a path or URL');
}

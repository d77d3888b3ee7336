/**
 * What a user's integrations.config.ts imports. Zero dependencies on purpose:
 * every CLI start loads the config file, and this module with it.
 */

/** A value read from the environment when the config loads, never written into the file. */
export interface EnvRef {
  readonly $env: string;
  /** Used when the variable is unset or empty. */
  readonly fallback?: string;
}

/** A config value may be given literally or as an environment reference. */
export type Configurable<T> = T | EnvRef;

/** References an environment variable; resolved (and checked) when the config loads. */
export function env(name: string, fallback?: string): EnvRef {
  if (typeof name !== 'string' || !ENV_NAME.test(name)) {
    throw new TypeError(`env(): "${String(name)}" is not a valid environment variable name`);
  }
  return fallback === undefined ? { $env: name } : { $env: name, fallback };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The string form, for JSON configs: "env:MPESA_CONSUMER_KEY". */
const ENV_STRING = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

/** The reference a value stands for, or undefined when it is a literal. */
export function asEnvRef(value: unknown): EnvRef | undefined {
  if (typeof value === 'string') {
    const m = ENV_STRING.exec(value);
    return m ? { $env: m[1] } : undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const ref = value as Record<string, unknown>;
  const keys = Object.keys(ref);
  if (typeof ref.$env !== 'string' || !keys.every((k) => k === '$env' || k === 'fallback')) return undefined;
  if (ref.fallback !== undefined && typeof ref.fallback !== 'string') return undefined;
  return ref as unknown as EnvRef;
}

/** A duration: milliseconds, or a string such as "500ms", "90s", "5m", "24h", "7d". */
export type DurationInput = number | string;

export interface RetryInput {
  maxAttempts?: Configurable<number>;
  baseDelayMs?: Configurable<DurationInput>;
  maxDelayMs?: Configurable<DurationInput>;
}

export type RateLimitInput =
  | { perSecond: Configurable<number>; perMinute?: never; burst?: Configurable<number> }
  | { perMinute: Configurable<number>; perSecond?: never; burst?: Configurable<number> };

export interface CircuitInput {
  consecutiveFailures?: Configurable<number>;
  failureRatio?: Configurable<number>;
  windowMs?: Configurable<DurationInput>;
  minimumCalls?: Configurable<number>;
  cooldownMs?: Configurable<DurationInput>;
}

export interface WebhookInput {
  /** Verification scheme; defaults to the one the adapter declares. */
  scheme?: string;
  /** Several secrets let a rotation overlap: any one verifies. */
  secrets?: Configurable<string>[];
  toleranceSeconds?: Configurable<number>;
  /** Source addresses or CIDR ranges allowed to deliver. */
  allowIps?: string[];
  /** Scheme-specific options. */
  [option: string]: unknown;
}

export interface IntegrationInput {
  /** Adapter name, as `integrations adapters list` shows it. */
  adapter: string;
  enabled?: Configurable<boolean>;
  /** Validated against the adapter's own schema. */
  config?: Record<string, unknown>;
  retry?: RetryInput;
  timeoutMs?: Configurable<DurationInput>;
  /** Largest provider answer read into memory, in bytes (default 8 MiB). */
  maxResponseBytes?: Configurable<number>;
  rateLimit?: RateLimitInput;
  circuit?: CircuitInput;
  /** Queue the operation instead of failing when a transient error persists. */
  queueOnFailure?: Configurable<boolean>;
  /** How queued jobs of this integration are retried: attempts, and the backoff ceiling's start and cap. */
  queue?: { maxAttempts?: Configurable<number>; baseDelayMs?: Configurable<DurationInput>; maxDelayMs?: Configurable<DurationInput> };
  webhook?: WebhookInput;
  /** Extra dotted field paths to redact from this integration's logs. */
  sensitive?: string[];
}

export interface IntegrationsConfig {
  store?: {
    /** SQLite file; relative to this config file's folder. Default .integrations/integrations.db. */
    path?: Configurable<string>;
    busyTimeoutMs?: Configurable<DurationInput>;
    /** Mode of the store's files: '0600' (default, the owner only) or owner and group bits only, e.g. '0640'. */
    mode?: Configurable<string>;
    /** The group that may read the store (its folder then gets 0750); the mode defaults to '0640' with it. */
    group?: Configurable<string>;
  };
  /** Third-party adapter packages to load, by package name. */
  adapters?: string[];
  idempotency?: { ttl?: Configurable<DurationInput> };
  daemon?: {
    host?: Configurable<string>;
    port?: Configurable<number>;
    publicUrl?: Configurable<string>;
    maxBodyBytes?: Configurable<number>;
    /** Addresses or CIDRs of your reverse proxies; X-Forwarded-For is believed only from them. */
    trustProxy?: Configurable<string>[] | false;
    /** Deepest nesting of a JSON webhook body that processing accepts (default 128). */
    maxJsonDepth?: Configurable<number>;
  };
  /** Outbound delivery to subscribers. */
  webhooks?: {
    /** Delay before each attempt, first to last (default: 0s, 5s, 5m, 30m, 2h, 5h, 10h, 10h). */
    deliverySchedule?: Configurable<DurationInput>[];
    /** Subscriber URLs may reach loopback, private and link-local addresses (default: public ones only). */
    outbound?: { allowPrivateNetworks?: Configurable<boolean> };
  };
  /** Keyed by integration name: lower-case letters, digits and dashes. */
  integrations: Record<string, IntegrationInput>;
}

/** Identity at run time; it gives the config file its types. */
export function defineConfig<T extends IntegrationsConfig>(config: T): T {
  return config;
}

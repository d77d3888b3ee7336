/**
 * The shape of a loaded, validated configuration, as every other layer sees
 * it. The zod schema in ./schema.ts produces exactly this.
 */
import type { WebhookSchemeConfig } from '../core/adapter.js';
import type { Problem } from './problems.js';

export interface RetrySettings {
  /** Total attempts including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RateLimitSettings {
  /** Tokens added per second (perMinute is converted). */
  perSecond: number;
  /** Bucket size. */
  burst: number;
}

export interface CircuitSettings {
  /** Open after this many consecutive failures. */
  consecutiveFailures: number;
  /** Or when the failure ratio over the window reaches this (0..1), with at least minimumCalls. */
  failureRatio?: number;
  windowMs: number;
  minimumCalls: number;
  /** Open -> half-open after this long. */
  cooldownMs: number;
}

/** How the offline queue retries this integration's jobs; unset fields take src/queue/settings.ts defaults. */
export interface QueueSettings {
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface WebhookSettings extends WebhookSchemeConfig {
  secrets: string[];
  toleranceSeconds: number;
  allowIps: string[];
}

export interface ResolvedIntegration {
  name: string;
  adapter: string;
  enabled: boolean;
  /** Validated against the adapter's schema; env references resolved; relative paths absolute. */
  config: Record<string, unknown>;
  retry: RetrySettings;
  timeoutMs: number;
  /** Largest provider answer read into memory; the HTTP client's default when absent. */
  maxResponseBytes?: number;
  rateLimit?: RateLimitSettings;
  circuit: CircuitSettings;
  queueOnFailure: boolean;
  queue?: QueueSettings;
  /** Present when config or the adapter's defaults give a webhook section. */
  webhook?: WebhookSettings;
  /** Extra dotted field paths to redact in this integration's logs. */
  sensitive: string[];
}

/**
 * A configured integration that cannot be used yet: an environment variable
 * one of its fields references is not set. Everything else in its config was
 * valid. Kept apart from the resolved ones so that no caller can use it with
 * a half-resolved config; using it by name is CONFIG_INVALID naming the
 * variable (see ./lookup.ts).
 */
export interface UnresolvedIntegration {
  name: string;
  /** As written; absent when the adapter name itself comes from an unset variable. */
  adapter?: string;
  /** As written (true when unset or itself unresolved). */
  enabled: boolean;
  /** Extra dotted field paths to redact (its queued payloads are still shown). */
  sensitive: string[];
  /** The unset variables, each once, in config order. */
  missing: string[];
  /** One per unset reference: the field and the variable, never a value. */
  problems: Problem[];
}

export interface DaemonSettings {
  host: string;
  port: number;
  publicUrl?: string;
  maxBodyBytes: number;
  /** Addresses or CIDRs of the reverse proxies whose X-Forwarded-* headers are believed; empty: none. */
  trustProxy: string[];
  /** Deepest nesting of a JSON webhook body that processing accepts (default 128). */
  maxJsonDepth: number;
}

export interface LoadedConfig {
  /** Absolute path of the config file. */
  path: string;
  /** Folder of the config file; relative paths resolve against it. */
  dir: string;
  store: {
    backend: 'sqlite';
    path: string;
    busyTimeoutMs: number;
    /** `store.mode`/`store.group`; absent: the owner's only (0600 files, 0700 folder). */
    files?: { mode: number; group?: { name: string; gid: number } };
  };
  idempotency: { ttlMs: number };
  daemon: DaemonSettings;
  /** Outbound delivery; absent or without a schedule: the default schedule. */
  webhooks?: {
    deliveryScheduleMs?: number[];
    /** `webhooks.outbound.allowPrivateNetworks`: subscribers may be loopback, private or link-local addresses. */
    allowPrivateNetworks?: boolean;
  };
  integrations: Record<string, ResolvedIntegration>;
  /** Integrations waiting on an unset environment variable, by name; none is also in `integrations`. */
  unresolved: Record<string, UnresolvedIntegration>;
  /** Package names of third-party adapter packages to load. */
  adapterPackages: string[];
}

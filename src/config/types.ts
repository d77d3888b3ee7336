/**
 * The shape of a loaded, validated configuration, as every other layer sees
 * it. The zod schema in ./schema.ts produces exactly this.
 */
import type { WebhookSchemeConfig } from '../core/adapter.js';

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
  rateLimit?: RateLimitSettings;
  circuit: CircuitSettings;
  queueOnFailure: boolean;
  queue?: QueueSettings;
  /** Present when config or the adapter's defaults give a webhook section. */
  webhook?: WebhookSettings;
  /** Extra dotted field paths to redact in this integration's logs. */
  sensitive: string[];
}

export interface DaemonSettings {
  host: string;
  port: number;
  publicUrl?: string;
  maxBodyBytes: number;
  trustProxy: boolean;
  /** Deepest nesting of a JSON webhook body that processing accepts (default 128). */
  maxJsonDepth: number;
}

export interface LoadedConfig {
  /** Absolute path of the config file. */
  path: string;
  /** Folder of the config file; relative paths resolve against it. */
  dir: string;
  store: { backend: 'sqlite'; path: string; busyTimeoutMs: number };
  idempotency: { ttlMs: number };
  daemon: DaemonSettings;
  /** Outbound delivery; absent or without a schedule: the default schedule. */
  webhooks?: { deliveryScheduleMs?: number[] };
  integrations: Record<string, ResolvedIntegration>;
  /** Package names of third-party adapter packages to load. */
  adapterPackages: string[];
}

import type { InboundWebhook } from '../../core/adapter.js';
import type { WebhookSettings } from '../../config/types.js';

/**
 * Short, stable machine reasons. They land in webhook_rejections and in the
 * daemon's metrics labels, so they never carry request data.
 */
export type RejectReason =
  | 'missing-signature'
  | 'malformed-signature'
  | 'bad-signature'
  | 'missing-timestamp'
  | 'malformed-timestamp'
  | 'timestamp-out-of-tolerance'
  | 'missing-id'
  | 'body-hash-mismatch'
  | 'missing-token'
  | 'bad-token'
  | 'ip-not-allowed'
  | 'ip-unknown';

export type VerifyResult =
  /**
   * `unsignedHeaders`: the signature covers no id header, so any header may
   * have been changed by whoever replays the request; `eventId` is then a
   * signed body field or a digest of the signed content (content-id.ts).
   */
  | { ok: true; eventId?: string; unsignedHeaders?: boolean }
  | { ok: false; reason: RejectReason; status: number };

/** Says whether an address is one of the operator's own reverse proxies. */
export type TrustedProxies = (address: string | undefined) => boolean;

export interface VerifyContext {
  /** Epoch milliseconds; injected so signature windows are testable. */
  now: number;
  /** The daemon's public base URL (e.g. https://hooks.example.com); Twilio signs full URLs. */
  publicUrl?: string;
  /** The operator's reverse proxies: X-Forwarded-For / X-Forwarded-Proto are believed only from them. */
  trustedProxies?: TrustedProxies;
}

export type RequestVerifier = (req: VerifyRequest, ctx: VerifyContext) => VerifyResult;

/** Verification needs only these fields of an inbound webhook. */
export type VerifyRequest = Pick<InboundWebhook, 'method' | 'path' | 'query' | 'headers' | 'rawBody' | 'sourceIp'>;

export interface SignInput {
  body: string;
  /** Request path on the receiver, e.g. /webhooks/mpesa. */
  path?: string;
  query?: Record<string, string>;
  /** Epoch milliseconds. */
  now: number;
  /** The provider's delivery/event id; generated when omitted. */
  id?: string;
  /** Twilio signs the full URL: the receiver's public base URL. */
  publicUrl?: string;
}

export interface SignOutput {
  headers: Record<string, string>;
  /** Set when the scheme moves something into the path (a path token). */
  path?: string;
  /** Set when the scheme adds query parameters (token, Twilio bodySHA256). */
  query?: Record<string, string>;
}

/**
 * One verification scheme. `compile` runs once per settings object and
 * precomputes key material; the function it returns runs per request and
 * must stay synchronous and allocation-light. Secrets: every entry of
 * `settings.secrets` verifies (rotation); `sign` uses the first one.
 */
export interface SchemeDefinition {
  name: string;
  /** Needs at least one secret (false only for `none`). */
  needsSecret: boolean;
  compile(settings: WebhookSettings): RequestVerifier;
  /**
   * Where a caller presents the secret itself (a token header or query
   * parameter): masked in whatever is kept of a request even when the value
   * presented is wrong, for a wrong token is often someone's real one.
   */
  carriers?(settings: WebhookSettings): SecretCarriers;
  sign(settings: WebhookSettings, input: SignInput): SignOutput;
}

export interface SecretCarriers {
  headers?: string[];
  query?: string[];
}

export const DEFAULT_TOLERANCE_SECONDS = 300;

export function fail(reason: RejectReason, status = 401): VerifyResult {
  return { ok: false, reason, status };
}

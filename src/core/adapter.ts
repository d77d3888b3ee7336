import type { z } from 'zod';
import type { Clock } from './clock.js';
import type { HttpClient } from '../http/types.js';

/** The kinds, and the operations every adapter of a kind must offer (DESIGN.md). */
export const KIND_OPERATIONS = {
  payment: ['charge', 'query', 'refund'],
  sms: ['send', 'query', 'balance'],
  messaging: ['send', 'query'],
  email: ['send'],
  storage: ['upload', 'download', 'delete', 'list'],
  lms: ['enroll', 'courses', 'syncGrades'],
  /** Receive-only adapters (the generic webhook adapter) and test doubles. */
  generic: [],
} as const satisfies Record<string, readonly string[]>;

export type AdapterKind = keyof typeof KIND_OPERATIONS;

/**
 * How an operation may be retried (DESIGN.md "Retry safety"):
 * - safe: reads and naturally idempotent writes; retried on any transient error;
 * - keyed: the provider dedupes on our idempotency key; retried with the same key;
 * - unsafe: retried only when the request provably never left; a timeout or a
 *   dropped connection after sending becomes OUTCOME_UNKNOWN.
 */
export type RetrySafety = 'safe' | 'keyed' | 'unsafe';

/** Key-value store scoped to one integration (access tokens, simulated state). Survives processes. */
export interface ScopedCache {
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** ttlMs omitted: kept until deleted. */
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface AdapterContext<C = unknown> {
  /** The integration's configured name (e.g. "mpesa-main"). */
  integration: string;
  /** Validated config, secrets resolved. */
  config: C;
  /** Bound to the config's `baseUrl` or the adapter's default for its environment. */
  http: HttpClient;
  cache: ScopedCache;
  clock: Clock;
  log: Logger;
  /** The execution's idempotency key: send it to providers that accept one. */
  idempotencyKey: string;
  tenant?: string;
  correlationId: string;
  /** Aborted on timeout or shutdown. */
  signal: AbortSignal;
  /** The folder of the config file, for adapters that take relative paths. */
  baseDir: string;
  /**
   * Registers a credential obtained at run time (an access token, a session
   * key) so it is masked in logs, log rows and errors like a configured secret.
   * Credentials sent in an Authorization header are registered already.
   */
  secrets: { add(value: string): void };
}

export interface OperationDefinition<C = any, I = any, O = any> {
  description: string;
  input: z.ZodType<I>;
  output: z.ZodType<O>;
  retry: RetrySafety;
  /** Extra dotted field paths of input/output to redact in logs (beyond config secrets). */
  sensitive?: string[];
  /**
   * For an unsafe operation the adapter's `query` cannot settle: how an
   * operator finds out whether a call with an unknown outcome took effect
   * (shown with the OUTCOME_UNKNOWN advice, before `reconcile --mark`).
   */
  checkOutcome?: string;
  run(ctx: AdapterContext<C>, input: I): Promise<O>;
}

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface HealthResult {
  status: HealthStatus;
  message?: string;
}

/** A request as received by the daemon, handed to an adapter's webhook section. */
export interface InboundWebhook {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  rawBody: Buffer;
  sourceIp?: string;
  receivedAt: number;
}

/** A provider's callback turned into our vocabulary: payment.succeeded, sms.delivered, ... */
export interface NormalizedEvent {
  type: string;
  /** The provider's id of the thing the event is about (CheckoutRequestID, message SID, ...). */
  externalId?: string;
  /** ISO-8601. */
  occurredAt?: string;
  data: Record<string, unknown>;
}

/** Verification scheme settings; the scheme names are defined in src/webhooks. */
export interface WebhookSchemeConfig {
  scheme: string;
  [option: string]: unknown;
}

export interface WebhookSection<C = any> {
  /** The scheme the provider uses; config may override. */
  verification: WebhookSchemeConfig;
  /** The provider's own id of this delivery, for de-duplication (runs on the request path: keep it cheap). */
  eventId?(req: InboundWebhook, ctx: { integration: string; config: C }): string | undefined;
  parse(req: InboundWebhook, ctx: { integration: string; config: C }): NormalizedEvent[] | Promise<NormalizedEvent[]>;
  /**
   * What the provider expects back on success (M-Pesa wants a JSON ack); default 200 with {"ok":true}.
   * A body function echoes the request (Pesapal's IPN answer); it must be cheap and never throw.
   */
  acknowledge?: { status?: number; contentType?: string; body: string | ((req: InboundWebhook) => string) };
  /**
   * The provider may also deliver as GET, fields in the query and no body
   * (a Pesapal IPN URL registered for GET): the daemon ingests those as it
   * does POSTs (verified, stored, acknowledged, processed).
   */
  acceptsGet?: boolean;
  /** A realistic sample delivery, for `webhooks trigger`; signing is done by the verification scheme. */
  sample?(eventType: string | undefined, config: C): { path?: string; headers?: Record<string, string>; body: string; eventType: string };
  /** Event types `sample` can build. */
  sampleEvents?: string[];
}

export interface SimulatorOptions {
  host?: string;
  /** 0 or omitted: a free port. */
  port?: number;
  /** Where the simulator posts callbacks when a request names none. */
  callbackUrl?: string;
  clock?: Clock;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** Config fields that point an integration at this simulator. */
  config: Record<string, unknown>;
  /** Webhook settings (scheme, secrets, scheme options) that verify this simulator's signed callbacks. */
  webhook?: { scheme: string; secrets: string[]; [option: string]: unknown };
  close(): Promise<void>;
}

export interface SimulatorSection {
  start(options?: SimulatorOptions): Promise<RunningSimulator>;
}

export interface AdapterDefinition<C = any> {
  name: string;
  kind: AdapterKind;
  description: string;
  /** Validates the integration's `config`; mark secret fields with secret(). */
  config: z.ZodType<C>;
  /** Base URLs by environment; the config's `baseUrl` wins when set. */
  baseUrls?: { sandbox?: string; production?: string };
  operations: Record<string, OperationDefinition<C>>;
  health?(ctx: AdapterContext<C>): Promise<HealthResult>;
  /** A harmless real operation for `integrations test`; returns what it proved. */
  selfTest?(ctx: AdapterContext<C>): Promise<string | void>;
  webhook?: WebhookSection<C>;
  simulator?: SimulatorSection;
}

/** Declares an adapter; identity at run time, it gives the declaration its types. */
export function defineAdapter<C>(definition: AdapterDefinition<C>): AdapterDefinition<C> {
  return definition;
}

/** Declares one operation with its input and output types inferred from the schemas. */
export function defineOperation<C, I extends z.ZodType, O extends z.ZodType>(op: {
  description: string;
  input: I;
  output: O;
  retry: RetrySafety;
  sensitive?: string[];
  checkOutcome?: string;
  run(ctx: AdapterContext<C>, input: z.output<I>): Promise<z.input<O>>;
}): OperationDefinition<C, z.output<I>, z.output<O>> {
  return op as unknown as OperationDefinition<C, z.output<I>, z.output<O>>;
}

/** Problems with a declaration, all at once; empty when it is sound. */
export function validateAdapterDefinition(def: AdapterDefinition): string[] {
  const problems: string[] = [];
  const where = def?.name ? `adapter "${def.name}"` : 'adapter';
  if (!def || typeof def !== 'object') return ['adapter module does not export an adapter definition'];
  if (typeof def.name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(def.name)) problems.push(`${where}: name must be lower-case letters, digits and dashes`);
  if (!(def.kind in KIND_OPERATIONS)) problems.push(`${where}: unknown kind "${String(def.kind)}" (kinds: ${Object.keys(KIND_OPERATIONS).join(', ')})`);
  if (!def.description) problems.push(`${where}: description is required`);
  if (!def.config || typeof (def.config as { safeParse?: unknown }).safeParse !== 'function') problems.push(`${where}: config must be a zod schema`);
  const ops = def.operations ?? {};
  for (const required of KIND_OPERATIONS[def.kind as AdapterKind] ?? []) {
    if (!ops[required]) problems.push(`${where}: kind ${def.kind} requires operation "${required}"`);
  }
  for (const [name, op] of Object.entries(ops)) {
    if (typeof op.run !== 'function') problems.push(`${where}: operation "${name}" has no run function`);
    if (!['safe', 'keyed', 'unsafe'].includes(op.retry)) problems.push(`${where}: operation "${name}" must declare retry safe | keyed | unsafe`);
    if (!op.input || !op.output) problems.push(`${where}: operation "${name}" needs input and output schemas`);
  }
  if (def.webhook && typeof def.webhook.parse !== 'function') problems.push(`${where}: webhook section needs a parse function`);
  return problems;
}

import type { AdapterDefinition, InboundWebhook, WebhookSection } from '../../core/adapter.js';
import type { AdapterRegistry } from '../../core/registry.js';
import { IntegrationError } from '../../core/errors.js';
import { secretPaths } from '../../core/fields.js';
import { unresolvedReason } from '../../config/lookup.js';
import type { LoadedConfig, ResolvedIntegration, WebhookSettings } from '../../config/types.js';
import { getScheme } from '../verify/schemes.js';
import { createVerifier } from '../verify/verify.js';
import type { RequestVerifier } from '../verify/types.js';
import { DEFAULT_TOLERANCE_SECONDS } from '../verify/types.js';
import { DEFAULT_MAX_JSON_DEPTH } from '../dispatch/json-depth.js';
import type { SecretCarriers } from '../verify/types.js';
import { Masker } from './mask.js';

export interface Acknowledgement {
  status: number;
  contentType: string;
  body: string | ((req: InboundWebhook) => string);
}

/** The acknowledgement's body for this request; a body function that fails falls back to the default body. */
export function acknowledgementBody(ack: Acknowledgement, request: InboundWebhook): string {
  if (typeof ack.body === 'string') return ack.body;
  try {
    return ack.body(request);
  } catch {
    return DEFAULT_ACK.body as string;
  }
}

/** One integration that receives webhooks, with everything the hot path needs precomputed. */
export interface WebhookEndpoint {
  name: string;
  integration: ResolvedIntegration;
  adapter: AdapterDefinition;
  section: WebhookSection;
  settings: WebhookSettings;
  /** Absent when endpoints were loaded without verification (CLI list/replay). */
  verify?: RequestVerifier;
  masker: Masker;
  ack: Acknowledgement;
  /** Meta-style subscription handshake token (`webhook.verifyToken`). */
  verifyToken?: string;
  /** Deepest JSON body processing accepts (`daemon.maxJsonDepth`); deeper ones fail, kept as received. */
  maxJsonDepth: number;
}

export const DEFAULT_ACK: Acknowledgement = { status: 200, contentType: 'application/json', body: '{"ok":true}' };

/**
 * The integration's webhook settings: config wins; the adapter's declared
 * verification fills in what config leaves out (its scheme options only
 * when config keeps its scheme).
 */
export function webhookSettingsFor(integration: ResolvedIntegration, section: WebhookSection): WebhookSettings {
  const configured = integration.webhook;
  const defaults = section.verification;
  const sameScheme = !configured?.scheme || configured.scheme === defaults.scheme;
  return {
    ...(sameScheme ? defaults : {}),
    ...configured,
    scheme: configured?.scheme || defaults.scheme,
    secrets: configured?.secrets ?? [],
    toleranceSeconds: configured?.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
    allowIps: configured?.allowIps ?? [],
  } as WebhookSettings;
}

function valueAt(config: unknown, path: string): unknown {
  let at: unknown = config;
  for (const key of path.split('.')) {
    if (!at || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** Every value that must never reach the store or a log line: webhook secrets, verify token, the adapter's secret config. */
function secretValues(endpoint: Pick<WebhookEndpoint, 'integration' | 'adapter' | 'settings'>): string[] {
  const values: unknown[] = [...endpoint.settings.secrets, endpoint.settings.verifyToken];
  try {
    for (const path of secretPaths(endpoint.adapter.config)) values.push(valueAt(endpoint.integration.config, path));
  } catch {
    // A schema describeFields cannot walk still has its webhook secrets masked.
  }
  return values.filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** Where this endpoint's callers present a secret as-is: the token scheme's header or parameter, Meta's verify token. */
function secretCarriers(endpoint: Pick<WebhookEndpoint, 'settings' | 'verifyToken'>): SecretCarriers {
  let carriers: SecretCarriers = {};
  try {
    carriers = getScheme(endpoint.settings.scheme)?.carriers?.(endpoint.settings) ?? {};
  } catch {
    // Options no verifier accepts: the daemon refuses them when it compiles the verifier.
  }
  return endpoint.verifyToken ? { ...carriers, query: [...(carriers.query ?? []), 'hub.verify_token'] } : carriers;
}

export interface LoadOptions {
  /** Compile verifiers (the daemon); problems are reported all at once as CONFIG_INVALID. */
  verify?: boolean;
}

/** An integration whose adapter can receive webhooks but that is not set up to (no secrets configured). */
export interface SkippedEndpoint {
  name: string;
  reason: string;
}

/** The integrations that receive webhooks, by name. */
export class WebhookEndpoints {
  private constructor(
    private readonly byName: ReadonlyMap<string, WebhookEndpoint>,
    /** Left out of the daemon's routes (answered 404), for its start-up log. */
    readonly skipped: SkippedEndpoint[] = [],
    /** Integrations waiting on an unset environment variable: why, by name. */
    private readonly waiting: ReadonlyMap<string, string> = new Map(),
  ) {}

  static async load(config: LoadedConfig, registry: AdapterRegistry, options: LoadOptions = {}): Promise<WebhookEndpoints> {
    const endpoints = new Map<string, WebhookEndpoint>();
    const problems: string[] = [];
    const skipped: SkippedEndpoint[] = [];
    for (const integration of Object.values(config.integrations)) {
      const adapter = await registry.get(integration.adapter);
      if (!adapter?.webhook) {
        if (integration.webhook) problems.push(`integration "${integration.name}": adapter "${integration.adapter}" does not receive webhooks (no webhook section)`);
        continue;
      }
      const section = adapter.webhook;
      const settings = webhookSettingsFor(integration, section);
      const endpoint: WebhookEndpoint = {
        name: integration.name,
        integration,
        adapter,
        section,
        settings,
        masker: new Masker([]),
        ack: { ...DEFAULT_ACK, ...section.acknowledge },
        verifyToken: typeof settings.verifyToken === 'string' && settings.verifyToken ? settings.verifyToken : undefined,
        maxJsonDepth: config.daemon.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH,
      };
      endpoint.masker = new Masker(secretValues(endpoint), secretCarriers(endpoint));
      if (options.verify) {
        // An M-Pesa integration used only for payments has the adapter's webhook
        // section but no secrets: it simply does not receive webhooks, and must
        // not keep the daemon from serving the others.
        if (getScheme(settings.scheme)?.needsSecret && settings.secrets.length === 0) {
          skipped.push({ name: integration.name, reason: `no webhook.secrets configured for scheme "${settings.scheme}"` });
          continue;
        }
        try {
          endpoint.verify = createVerifier(settings);
        } catch (err) {
          problems.push(`integration "${integration.name}": ${(err as Error).message}`);
          continue;
        }
      }
      endpoints.set(integration.name, endpoint);
    }
    if (options.verify && problems.length) {
      throw new IntegrationError('CONFIG_INVALID', `webhook configuration is invalid:\n  ${problems.join('\n  ')}`, { issues: problems });
    }
    // Waiting on an unset variable: its secrets are unknown, so nothing of it can be verified or parsed.
    const waiting = new Map<string, string>();
    for (const integration of Object.values(config.unresolved)) {
      const adapter = integration.adapter ? await registry.get(integration.adapter).catch(() => undefined) : undefined;
      if (!integration.adapter || adapter?.webhook) waiting.set(integration.name, unresolvedReason(integration));
    }
    return new WebhookEndpoints(endpoints, skipped, waiting);
  }

  /** Why a webhook-receiving integration's deliveries cannot be verified or processed now ("X is not set"), or undefined. */
  waitingOn(name: string): string | undefined {
    return this.waiting.get(name);
  }

  /** The integrations waitingOn() names, with why. */
  allWaiting(): SkippedEndpoint[] {
    return [...this.waiting].map(([name, reason]) => ({ name, reason }));
  }

  get(name: string): WebhookEndpoint | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  all(): WebhookEndpoint[] {
    return [...this.byName.values()];
  }
}

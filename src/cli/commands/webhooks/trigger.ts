import { IntegrationError } from '../../../core/errors.js';
import { UsageError } from '../../../core/usage-error.js';
import { signWebhook } from '../../../webhooks/sign/sign-webhook.js';
import { WebhookEndpoints, type WebhookEndpoint } from '../../../webhooks/ingest/endpoints.js';
import { CommandFailure } from '../../command-failure.js';
import type { CliDeps, GlobalOptions } from '../../deps.js';
import { EXIT } from '../../exit-codes.js';
import { palette } from '../../render/color.js';
import { formatDuration } from '../../render/format.js';
import { printJson } from '../../render/json.js';
import { findIntegration } from '../../../config/lookup.js';
import type { LoadedConfig } from '../../../config/types.js';

export interface TriggerOptions {
  global: GlobalOptions;
  integration: string;
  event?: string;
  /** The daemon's base URL; default from daemon.host/port in config. */
  url?: string;
}

const TIMEOUT_MS = 15_000;

function daemonBaseUrl(config: LoadedConfig, url: string | undefined): URL {
  if (url) {
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
      return parsed;
    } catch {
      throw new UsageError(`--url must be an http(s) URL such as http://127.0.0.1:8787, got "${url}"`);
    }
  }
  const { host, port } = config.daemon;
  // A daemon listening on every interface is reached on loopback.
  const target = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return new URL(`http://${target.includes(':') ? `[${target}]` : target}:${port}`);
}

function endpointFor(endpoints: WebhookEndpoints, config: LoadedConfig, name: string): WebhookEndpoint {
  // Signing needs its secrets: one waiting on an unset variable is CONFIG_INVALID naming it.
  findIntegration(config, name);
  const endpoint = endpoints.get(name);
  if (endpoint) return endpoint;
  const receiving = endpoints.names();
  if (config.integrations[name]) throw new UsageError(`integration "${name}" does not receive webhooks (its adapter has no webhook section)`);
  throw new UsageError(`unknown integration "${name}"; integrations that receive webhooks: ${receiving.join(', ') || 'none'}`);
}

/**
 * Like `stripe trigger`: builds the adapter's sample delivery, signs it with
 * the integration's first secret exactly as the provider would, and POSTs it
 * to the daemon. Exit 0 only when the daemon answers 2xx.
 */
export async function runTrigger(options: TriggerOptions, deps: CliDeps): Promise<void> {
  const { config, registry } = await deps.loadConfig(options.global);
  const endpoints = await WebhookEndpoints.load(config, registry);
  const endpoint = endpointFor(endpoints, config, options.integration);
  const section = endpoint.section;
  if (!section.sample) throw new UsageError(`adapter "${endpoint.adapter.name}" has no sample deliveries to trigger`);
  if (options.event && section.sampleEvents && !section.sampleEvents.includes(options.event)) {
    throw new UsageError(`adapter "${endpoint.adapter.name}" has no sample for "${options.event}"; samples: ${section.sampleEvents.join(', ')}`);
  }
  const sample = section.sample(options.event, endpoint.integration.config);
  const basePath = `/webhooks/${endpoint.name}`;
  const path = sample.path ? (sample.path.startsWith('/webhooks/') ? sample.path : `${basePath}${sample.path.startsWith('/') ? '' : '/'}${sample.path}`) : basePath;
  let signed;
  try {
    signed = signWebhook(endpoint.settings, { body: sample.body, path, query: {}, now: deps.clock.now(), publicUrl: config.daemon.publicUrl });
  } catch (err) {
    throw new IntegrationError('CONFIG_INVALID', `cannot sign for "${endpoint.name}": ${(err as Error).message}`);
  }
  const base = daemonBaseUrl(config, options.url);
  const target = new URL(signed.path ?? path, base);
  for (const [k, v] of Object.entries(signed.query ?? {})) target.searchParams.set(k, v);
  // What is shown never carries a path or query token.
  const shown = `${base.origin}${endpoint.masker.path(target.pathname)}${target.search ? `?${new URLSearchParams(endpoint.masker.query(Object.fromEntries(target.searchParams)))}` : ''}`;

  const { request } = await import('undici');
  const started = performance.now();
  let status: number;
  let text: string;
  try {
    const response = await request(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'integrations-webhooks-trigger', ...sample.headers, ...signed.headers },
      body: sample.body,
      signal: deps.signal,
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
    status = response.statusCode;
    text = (await response.body.text()).slice(0, 2_000);
  } catch (err) {
    if (deps.signal.aborted) throw err;
    const code = (err as { code?: string }).code ?? '';
    const hint = code === 'ECONNREFUSED' ? ' (is `integrations daemon` running there?)' : '';
    throw new IntegrationError('NETWORK_ERROR', `could not POST to ${shown}: ${(err as Error).message}${hint}`, { requestSent: code !== 'ECONNREFUSED' });
  }
  const durationMs = performance.now() - started;
  const ok = status >= 200 && status < 300;
  if (options.global.json) {
    printJson(deps.stdout, { ok, integration: endpoint.name, eventType: sample.eventType, url: shown, status, response: endpoint.masker.text(text), durationMs: Math.round(durationMs) });
  } else {
    const style = palette(options.global, deps);
    deps.stdout.write(`→ POST ${shown}  ${sample.eventType} (${endpoint.settings.scheme})\n`);
    deps.stdout.write(`${ok ? style.green('←') : style.red('←')} ${status} ${endpoint.masker.text(text)}  ${style.dim(formatDuration(durationMs))}\n`);
  }
  if (!ok) throw new CommandFailure(`the daemon answered ${status} for the ${sample.eventType} sample`, EXIT.FAILED, 'TRIGGER_REJECTED');
}

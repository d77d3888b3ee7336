import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { defineAdapter } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import { AdapterRegistry } from '../../src/core/registry.js';
import type { LoadedConfig, ResolvedIntegration, WebhookSettings } from '../../src/config/types.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { testConfig as baseConfig } from '../support/loaded-config.js';

/** A Standard Webhooks secret: whsec_ + base64 key bytes. */
export const SW_SECRET = `whsec_${Buffer.from('fixture-standard-webhooks-key-32b').toString('base64')}`;
export const GITHUB_SECRET = 'fixture-github-secret';

/**
 * A small provider-like adapter: GitHub-style signatures, the event id in
 * the body, its own acknowledgement body, and a parser that fails on demand
 * (body kind "boom", or config.rejectAll) so replay has something to fix.
 */
export const fixtureAdapter = defineAdapter<{ rejectAll: boolean }>({
  name: 'fixture-pay',
  kind: 'generic',
  description: 'test fixture: payment callbacks',
  config: z.object({ rejectAll: z.boolean().default(false) }),
  operations: {},
  webhook: {
    verification: { scheme: 'github' },
    eventId(req) {
      try {
        return (JSON.parse(req.rawBody.toString('utf8')) as { ref?: string }).ref;
      } catch {
        return undefined;
      }
    },
    parse(req, { config }) {
      const body = JSON.parse(req.rawBody.toString('utf8')) as { kind: string; ref: string; amount?: number };
      if (config.rejectAll || body.kind === 'boom') throw new IntegrationError('INVALID_REQUEST', `cannot parse ${body.kind} callback`);
      return [
        { type: body.kind === 'paid' ? 'payment.succeeded' : 'payment.failed', externalId: body.ref, data: { amount: body.amount ?? 0 } },
        ...(body.kind === 'paid' ? [{ type: 'receipt.issued', externalId: body.ref, data: {} }] : []),
      ];
    },
    acknowledge: { status: 200, contentType: 'application/json', body: '{"ResultCode":0,"ResultDesc":"Accepted"}' },
  },
});

export function tempDir(prefix = 'integrations-webhooks-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function openTempStore(dir = tempDir()): SqliteStore {
  return SqliteStore.open(join(dir, 'store.db'));
}

type IntegrationSpec = { adapter: string; config?: Record<string, unknown>; webhook?: Partial<WebhookSettings> & { scheme: string }; enabled?: boolean };

/** A LoadedConfig as the loader would produce it, with each adapter's config parsed by its own schema. */
export async function testConfig(
  dir: string,
  registry: AdapterRegistry,
  integrations: Record<string, IntegrationSpec>,
  daemon: Partial<LoadedConfig['daemon']> = {},
): Promise<LoadedConfig> {
  const resolved: Record<string, ResolvedIntegration> = {};
  for (const [name, spec] of Object.entries(integrations)) {
    const adapter = await registry.get(spec.adapter);
    if (!adapter) throw new Error(`no adapter ${spec.adapter}`);
    resolved[name] = {
      name,
      adapter: spec.adapter,
      enabled: spec.enabled ?? true,
      config: adapter.config.parse(spec.config ?? {}) as Record<string, unknown>,
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      timeoutMs: 5_000,
      circuit: { consecutiveFailures: 5, windowMs: 60_000, minimumCalls: 10, cooldownMs: 30_000 },
      queueOnFailure: false,
      ...(spec.webhook ? { webhook: { secrets: [], toleranceSeconds: 300, allowIps: [], ...spec.webhook } as WebhookSettings } : {}),
      sensitive: [],
    };
  }
  return baseConfig(dir, resolved, { daemon: { maxBodyBytes: 64 * 1024, ...daemon } });
}

export function testRegistry(): AdapterRegistry {
  const registry = new AdapterRegistry();
  registry.register(fixtureAdapter);
  return registry;
}

import { join } from 'node:path';
import type { AdapterDefinition } from '../core/adapter.js';
import { IntegrationError } from '../core/errors.js';
import { secretPaths } from '../core/fields.js';
import { MIN_SECRET_LENGTH } from '../core/secret-forms.js';
import type { AdapterRegistry } from '../core/registry.js';
import { applyOverride, matchName, readOverrides, type EnvOverride } from './env-overrides.js';
import { isPlainObject, resolveEnvRefs, type EnvRefContext } from './env-refs.js';
import { unresolvedIntegration, waitsOnlyOnEnv } from './deferred.js';
import { configInvalid, zodProblems, type Problem } from './problems.js';
import { absolutePath, resolveIntegration } from './resolve-integration.js';
import { resolveStoreModes } from './store-modes.js';
import { configFileSchema, INTEGRATION_NAME, integrationSchemaFor, type ParsedIntegration } from './schema.js';
import type { LoadedConfig, ResolvedIntegration, UnresolvedIntegration } from './types.js';

export interface ResolveOptions {
  /** Absolute path of the config file the value came from. */
  file: string;
  /** Folder relative paths resolve against. */
  dir: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** From --db; relative to cwd. */
  dbPath?: string;
  registry: AdapterRegistry;
}

/**
 * Turns a config file's export into a LoadedConfig: env overrides applied,
 * env references resolved, everything validated (each integration's config
 * against its adapter). Throws CONFIG_INVALID listing every problem found,
 * except that an integration whose only problem is an unset environment
 * variable is set aside as unresolved: the commands that do not use it work.
 */
export async function resolveConfig(exported: unknown, options: ResolveOptions): Promise<LoadedConfig> {
  const { file, dir, env, registry } = options;
  if (!isPlainObject(exported)) {
    throw new IntegrationError(
      'CONFIG_INVALID',
      `invalid config in ${file}: the default export must be an object (export default defineConfig({ integrations: { ... } }))`,
    );
  }
  const problems: Problem[] = [];
  const ctx: EnvRefContext = { env, problems, sourced: [] };

  const { integrations: rawIntegrations, ...rest } = exported;
  const top = resolveEnvRefs(rest, configFileSchema, [], ctx) as Record<string, unknown>;
  const topParse = configFileSchema.safeParse({
    ...top,
    integrations: isPlainObject(rawIntegrations) || rawIntegrations === undefined ? {} : rawIntegrations,
  });
  if (!topParse.success) problems.push(...zodProblems(topParse.error, []));

  const packages = topParse.success ? topParse.data.adapters : [];
  if (packages.length) registry.usePackages(packages, dir);
  let available: string[] = [];
  try {
    available = await registry.names();
  } catch (err) {
    problems.push({ path: 'adapters', message: err instanceof Error ? err.message : String(err) });
  }

  const integrations: Record<string, ResolvedIntegration> = {};
  // No prototype: names come from the command line and URLs ("constructor" is not an integration).
  const unresolved = Object.create(null) as Record<string, UnresolvedIntegration>;
  const secrets: string[] = [];
  const entries = isPlainObject(rawIntegrations) ? Object.entries(rawIntegrations) : [];
  const { overrides, problems: overrideProblems } = readOverrides(env);
  problems.push(...overrideProblems);
  const byIntegration = groupOverrides(overrides, entries.map(([name]) => name), problems);
  // Problems outside the integrations (the store, the daemon, overrides naming nothing) concern every command.
  let fatal = problems.length > 0 || !topParse.success;

  for (const [name, raw] of entries) {
    // Each integration's problems apart: one that only waits on unset variables is deferred, not fatal.
    const own: Problem[] = [];
    const outcome = await resolveOne(name, raw, byIntegration.get(name) ?? [], {
      registry,
      available,
      dir,
      ctx: { ...ctx, problems: own },
      problems: own,
      secrets,
    });
    problems.push(...own);
    if (waitsOnlyOnEnv(own, name)) unresolved[name] = unresolvedIntegration(name, outcome.written, own);
    else if (own.length) fatal = true;
    else if (outcome.resolved) integrations[name] = outcome.resolved;
  }

  const storeFilesAt = topParse.success ? storePath(options, topParse.data.store.path) : '';
  const storeFiles = topParse.success ? resolveStoreModes(topParse.data.store, storeFilesAt, problems) : undefined;
  if (problems.some((p) => p.path.startsWith('store.'))) fatal = true;

  // A field whose env reference is missing would also fail as "Required": one line is enough.
  const missingPaths = new Set(problems.filter((p) => p.variable !== undefined).map((p) => p.path));
  const all = problems.filter((p) => !(missingPaths.has(p.path) && p.message === 'Required'));
  // One real error anywhere fails every command, and the message lists the unset variables beside it.
  if (fatal || !topParse.success) throw configInvalid(file, all, [...ctx.sourced, ...secrets]);

  const parsed = topParse.data;
  return {
    path: file,
    dir,
    store: { backend: parsed.store.backend, path: storeFilesAt, busyTimeoutMs: parsed.store.busyTimeoutMs, ...(storeFiles ? { files: storeFiles } : {}) },
    idempotency: { ttlMs: parsed.idempotency.ttl },
    daemon: {
      host: parsed.daemon.host,
      port: parsed.daemon.port,
      ...(parsed.daemon.publicUrl ? { publicUrl: parsed.daemon.publicUrl } : {}),
      maxBodyBytes: parsed.daemon.maxBodyBytes,
      trustProxy: parsed.daemon.trustProxy,
      maxJsonDepth: parsed.daemon.maxJsonDepth,
    },
    webhooks: {
      ...(parsed.webhooks.deliverySchedule ? { deliveryScheduleMs: parsed.webhooks.deliverySchedule } : {}),
      ...(parsed.webhooks.outbound.allowPrivateNetworks ? { allowPrivateNetworks: true } : {}),
    },
    integrations,
    unresolved,
    adapterPackages: parsed.adapters,
  };
}

/** --db, then INTEGRATIONS_DB (both relative to the working directory), then the config's store.path, then the default beside the config. */
function storePath(options: ResolveOptions, configured: string | undefined): string {
  const fromFlag = options.dbPath ?? options.env.INTEGRATIONS_DB;
  if (fromFlag) return fromFlag === ':memory:' ? fromFlag : absolutePath(fromFlag, options.cwd);
  if (configured) return configured === ':memory:' ? configured : absolutePath(configured, options.dir);
  return join(options.dir, '.integrations', 'integrations.db');
}

function groupOverrides(overrides: EnvOverride[], names: string[], problems: Problem[]): Map<string, EnvOverride[]> {
  const grouped = new Map<string, EnvOverride[]>();
  for (const override of overrides) {
    const name = matchName(override.name, names);
    if (name === undefined) {
      problems.push({
        path: `integrations.${override.name.toLowerCase().replace(/_/g, '-')}`,
        message: `${override.variable} names no configured integration (integrations: ${names.join(', ') || 'none'})`,
      });
      continue;
    }
    grouped.set(name, [...(grouped.get(name) ?? []), override]);
  }
  return grouped;
}

interface OneContext {
  registry: AdapterRegistry;
  available: string[];
  dir: string;
  ctx: EnvRefContext;
  problems: Problem[];
  secrets: string[];
}

/** The integration ready to use (when nothing was wrong), and its fields as written with env resolved where set. */
interface OneOutcome {
  resolved?: ResolvedIntegration;
  written?: Record<string, unknown>;
}

async function resolveOne(
  name: string,
  raw: unknown,
  overrides: EnvOverride[],
  one: OneContext,
): Promise<OneOutcome> {
  const { problems, ctx } = one;
  const at = `integrations.${name}`;
  if (!INTEGRATION_NAME.test(name)) {
    problems.push({ path: at, message: 'integration names use lower-case letters, digits and dashes' });
  }
  if (!isPlainObject(raw)) {
    problems.push({ path: at, message: 'expected an object with an "adapter" field' });
    return {};
  }
  const draft = copyPlain(raw) as Record<string, unknown>;

  // The adapter decides the schema of everything else, so it is settled first.
  const isAdapterField = (o: EnvOverride) => o.fields.length === 1 && matchName(o.fields[0], ['adapter']) !== undefined;
  const baseSchema = integrationSchemaFor(undefined);
  for (const o of overrides.filter(isAdapterField)) pushIf(problems, applyOverride(draft, o, baseSchema, name));
  const adapterName = resolveEnvRefs(draft.adapter, baseSchema.shape.adapter, ['integrations', name, 'adapter'], ctx);
  const adapter = await findAdapter(adapterName, one, at);

  const schema = integrationSchemaFor(adapter?.config);
  for (const o of overrides.filter((o) => !isAdapterField(o))) pushIf(problems, applyOverride(draft, o, schema, name));
  if (draft.config === undefined) draft.config = {};
  const written = resolveEnvRefs(draft, schema, ['integrations', name], ctx) as Record<string, unknown>;
  if (adapter) one.secrets.push(...secretStrings(written, adapter));

  const result = schema.safeParse(written);
  if (!result.success) {
    problems.push(...zodProblems(result.error, ['integrations', name]));
    return { written };
  }
  if (!adapter) return { written };
  const short = shortSecrets((result.data as { config?: unknown }).config, adapter);
  if (short.length) {
    problems.push(...short.map((field) => ({ path: `${at}.config.${field}`, message: `a secret must be at least ${MIN_SECRET_LENGTH} characters (a shorter one cannot be masked in logs)` })));
    return { written };
  }
  return { written, resolved: resolveIntegration(name, result.data as ParsedIntegration, written.webhook, adapter, one.dir, problems) };
}

async function findAdapter(adapterName: unknown, one: OneContext, at: string): Promise<AdapterDefinition | undefined> {
  if (typeof adapterName !== 'string' || adapterName === '') return undefined;
  try {
    const found = await one.registry.get(adapterName);
    if (found) return found;
  } catch (err) {
    one.problems.push({ path: `${at}.adapter`, message: `adapter "${adapterName}" failed to load: ${firstLine(err)}` });
    return undefined;
  }
  const list = one.available.length ? one.available.join(', ') : 'none installed';
  one.problems.push({ path: `${at}.adapter`, message: `unknown adapter "${adapterName}" (available: ${list})` });
  return undefined;
}

/** Secret-marked fields whose value is too short to mask; named, never quoted. */
function shortSecrets(config: unknown, adapter: AdapterDefinition): string[] {
  return secretPaths(adapter.config).filter((path) => {
    let value: unknown = config;
    for (const key of path.split('.')) value = isPlainObject(value) ? value[key] : undefined;
    return typeof value === 'string' && value.length < MIN_SECRET_LENGTH;
  });
}

/** Secret-marked config values and webhook secrets, as written, to scrub from messages. */
function secretStrings(written: Record<string, unknown>, adapter: AdapterDefinition): string[] {
  const out: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
  };
  for (const path of secretPaths(adapter.config)) {
    let value: unknown = written.config;
    for (const key of path.split('.')) value = isPlainObject(value) ? value[key] : undefined;
    collect(value);
  }
  if (isPlainObject(written.webhook)) collect(written.webhook.secrets);
  return out;
}

function copyPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyPlain);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyPlain(v)]));
  return value;
}

function pushIf(problems: Problem[], problem: Problem | undefined): void {
  if (problem) problems.push(problem);
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

/**
 * Every adapter in adapters/ (bundled now and added later) is held to its
 * declaration: a sound definition, and config secrets the engine can find,
 * because redaction only scrubs what the schema marks.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateAdapterDefinition } from '../../src/core/adapter.js';
import { describeFields, secretPaths } from '../../src/core/fields.js';
import { AdapterRegistry } from '../../src/core/registry.js';

const registry = new AdapterRegistry();
const adapters = await registry.list();

/** Field names that hold credentials; such a field not marked secret() would be logged in clear. */
const CREDENTIAL_NAME = /(secret|password|passwd|passkey|token|api_?key|private_?key|credential|signing_?key|auth_?key)/i;
/** ...unless the name says it is about the credential rather than the credential itself. */
const ABOUT_A_CREDENTIAL = /(id|sid|url|uri|endpoint|header|name|type|field|path|ttl|ttlms|expiry|expiresat|prefix|scheme|mode)$/i;

describe('bundled adapters', () => {
  it('are discovered by the registry', () => {
    expect(registry.bundledNames()).toEqual(expect.arrayContaining(['local-storage', 'mock']));
    expect(adapters.map((a) => a.name)).toEqual(expect.arrayContaining(['local-storage', 'mock']));
  });

  it('declare the secret and path fields the engine relies on', () => {
    const byName = Object.fromEntries(adapters.map((a) => [a.name, a]));
    expect(secretPaths(byName.mock.config)).toEqual(['secretKey']);
    expect(describeFields(byName['local-storage'].config)).toEqual([expect.objectContaining({ path: 'root', isPath: true, secret: false, required: true })]);
  });
});

describe.each(adapters.map((a) => [a.name, a] as const))('adapter %s', (name, adapter) => {
  it('has a sound declaration', () => {
    expect(validateAdapterDefinition(adapter)).toEqual([]);
    expect(adapter.name).toBe(name);
  });

  it('describes its config and every operation input and output', () => {
    expect(() => describeFields(adapter.config)).not.toThrow();
    for (const [opName, op] of Object.entries(adapter.operations)) {
      expect(op.description, `${name}.${opName} description`).toBeTruthy();
      expect(op.input).toBeInstanceOf(z.ZodType);
      expect(op.output).toBeInstanceOf(z.ZodType);
      expect(() => describeFields(op.input)).not.toThrow();
    }
  });

  it('marks every credential-like config field secret, as a string the engine can scrub, with no default', () => {
    const fields = describeFields(adapter.config);
    const unmarked = fields.filter((f) => !f.secret && CREDENTIAL_NAME.test(f.path.split('.').at(-1)!) && !ABOUT_A_CREDENTIAL.test(f.path.split('.').at(-1)!));
    expect(unmarked.map((f) => f.path), 'credential-looking fields not wrapped in secret()').toEqual([]);
    const secrets = fields.filter((f) => f.secret);
    expect(secrets.map((f) => f.path)).toEqual(secretPaths(adapter.config));
    for (const f of secrets) {
      expect(f.type, `${name} secret ${f.path}: only string secrets are scrubbed from messages`).toBe('string');
      expect(f.default, `${name} secret ${f.path} must not have a default (that would be a hard-coded credential)`).toBeUndefined();
    }
  });

  it('names its operation-level sensitive fields as dotted paths', () => {
    for (const op of Object.values(adapter.operations)) {
      for (const path of op.sensitive ?? []) expect(path).toMatch(/^[\w*]+(\.[\w*]+)*$/);
    }
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { defineAdapter } from '../../src/core/adapter.js';
import { pathField, secret } from '../../src/core/fields.js';
import { AdapterRegistry } from '../../src/core/registry.js';

/** Absolute path of define.ts, for config files that import it directly. */
export const DEFINE_MODULE = fileURLToPath(new URL('../../src/config/define.ts', import.meta.url));

export const payAdapter = defineAdapter({
  name: 'fixture-pay',
  kind: 'generic',
  description: 'payment-like test double',
  config: z.object({
    shortcode: z.string().min(5),
    consumerKey: secret(z.string()),
    consumerSecret: secret(z.string()),
    environment: z.enum(['sandbox', 'production']).default('sandbox'),
    port: z.int().optional(),
    verbose: z.boolean().default(false),
    certFile: pathField(z.string()).optional(),
    tls: z.object({ caFile: pathField(z.string()).optional(), passphrase: secret(z.string()).optional() }).optional(),
  }),
  operations: {},
  webhook: {
    verification: { scheme: 'hmac-sha256', header: 'x-signature', toleranceSeconds: 600 },
    parse: () => [],
  },
});

export const storeAdapter = defineAdapter({
  name: 'fixture-store',
  kind: 'generic',
  description: 'storage-like test double',
  config: z.object({ root: pathField(z.string()).default('./files') }),
  operations: {},
});

/** A registry holding only the fixtures (its adapters folder does not exist). */
export function fixtureRegistry(): AdapterRegistry {
  const registry = new AdapterRegistry({ adaptersDir: join(tmpdir(), 'integrations-test-no-adapters-folder') });
  registry.register(payAdapter);
  registry.register(storeAdapter);
  return registry;
}

export interface TempDir {
  dir: string;
  write(relative: string, text: string): string;
  cleanup(): void;
}

export function tempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  return {
    dir,
    write(relative, text) {
      const file = join(dir, relative);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` and returns what it threw, failing the test when it did not throw. */
export async function thrown(fn: () => Promise<unknown>): Promise<Error & { category?: string; issues?: string[] }> {
  try {
    await fn();
  } catch (err) {
    return err as Error & { category?: string; issues?: string[] };
  }
  throw new Error('expected a throw');
}

import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { validateAdapterDefinition, type AdapterDefinition } from './adapter.js';
import { IntegrationError } from './errors.js';
import { packageRoot, runningFromSource } from './package-root.js';

export interface RegistryOptions {
  /** Folder of bundled adapters; defaults to this package's adapters/ (built copy when running from dist). */
  adaptersDir?: string;
  /** Third-party adapter packages by name, resolved from `resolveFrom`. */
  packages?: string[];
  resolveFrom?: string;
  /** Told once about each adapter loaded from outside this product (the CLI's --verbose names them). */
  onThirdParty?: (adapter: string, pkg: string, file: string) => void;
}

/**
 * Finds adapters without the engine naming any: each folder in adapters/
 * with an index module, plus the packages the config lists. Modules load
 * lazily, so `run mpesa` imports only the M-Pesa adapter.
 */
export class AdapterRegistry {
  private readonly dir: string;
  private readonly loaded = new Map<string, AdapterDefinition>();
  /** Adapter name -> the package it came from, for adapters from outside this product. */
  private readonly packageOf = new Map<string, string>();
  private packagesLoaded = false;

  constructor(private readonly options: RegistryOptions = {}) {
    const fromSource = runningFromSource();
    this.dir = options.adaptersDir ?? join(packageRoot(), ...(fromSource ? [] : ['dist']), 'adapters');
  }

  /** index.ts under vitest, index.js in the build; whichever the folder has. */
  private indexFile(folder: string): string | undefined {
    const order = runningFromSource() ? ['ts', 'js'] : ['js', 'ts'];
    for (const ext of order) {
      const file = join(this.dir, folder, `index.${ext}`);
      if (existsSync(file)) return file;
    }
    return undefined;
  }

  /** Names of the bundled adapters, without loading them. */
  bundledNames(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && this.indexFile(d.name) !== undefined)
      .map((d) => d.name)
      .sort();
  }

  async get(name: string): Promise<AdapterDefinition | undefined> {
    const hit = this.loaded.get(name);
    if (hit) return hit;
    const file = /^[a-z0-9-]+$/.test(name) ? this.indexFile(name) : undefined;
    if (file) return this.importAdapter(file, name);
    await this.loadPackages();
    return this.loaded.get(name);
  }

  async list(): Promise<AdapterDefinition[]> {
    for (const name of this.bundledNames()) await this.get(name);
    await this.loadPackages();
    return [...this.loaded.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async names(): Promise<string[]> {
    await this.loadPackages();
    return [...new Set([...this.bundledNames(), ...this.loaded.keys()])].sort();
  }

  /**
   * Adds the third-party adapter packages a config file lists (its `adapters`),
   * resolved from the config's folder; they load on the next lookup.
   */
  usePackages(packages: string[], resolveFrom: string): void {
    const current = this.options.packages ?? [];
    const added = packages.filter((p) => !current.includes(p));
    if (!added.length) return;
    this.options.packages = [...current, ...added];
    this.options.resolveFrom = resolveFrom;
    this.packagesLoaded = false;
  }

  /** The package a third-party adapter came from; undefined for the bundled ones (call after list() or get()). */
  thirdPartyPackage(name: string): string | undefined {
    return this.packageOf.get(name);
  }

  /** Registers a definition directly (tests, library users). */
  register(def: AdapterDefinition): void {
    this.accept(def, 'register()');
  }

  private async loadPackages(): Promise<void> {
    if (this.packagesLoaded) return;
    this.packagesLoaded = true;
    const req = createRequire(join(this.options.resolveFrom ?? process.cwd(), 'noop.js'));
    for (const pkg of this.options.packages ?? []) {
      let resolved: string;
      try {
        resolved = req.resolve(pkg);
      } catch {
        throw new IntegrationError('CONFIG_INVALID', `adapter package "${pkg}" is not installed (looked from ${this.options.resolveFrom ?? process.cwd()})`);
      }
      const mod = (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
      const defs = [mod.default, ...(Array.isArray(mod.adapters) ? mod.adapters : [])].flat().filter(Boolean) as AdapterDefinition[];
      if (!defs.length) throw new IntegrationError('CONFIG_INVALID', `adapter package "${pkg}" exports no adapter (default export or "adapters")`);
      for (const def of defs) {
        this.accept(def, `package ${pkg}`);
        if (this.packageOf.has(def.name)) continue;
        this.packageOf.set(def.name, pkg);
        this.options.onThirdParty?.(def.name, pkg, resolved);
      }
    }
  }

  private async importAdapter(file: string, folder: string): Promise<AdapterDefinition> {
    const mod = (await import(pathToFileURL(file).href)) as { default?: AdapterDefinition };
    if (!mod.default) throw new Error(`adapters/${folder}: index must default-export defineAdapter({...})`);
    return this.accept(mod.default, `adapters/${folder}`);
  }

  private accept(def: AdapterDefinition, source: string): AdapterDefinition {
    const problems = validateAdapterDefinition(def);
    if (problems.length) throw new Error(`${source}: invalid adapter:\n  ${problems.join('\n  ')}`);
    this.loaded.set(def.name, def);
    return def;
  }
}

import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IntegrationError } from '../core/errors.js';
import { privateCompileCache } from './compile-cache.js';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);
const JAVASCRIPT = new Set(['.js', '.mjs', '.cjs']);

/**
 * The config file's default export (or parsed JSON). Any failure to read,
 * parse or evaluate it becomes CONFIG_INVALID naming the file and the cause in
 * one line, without echoing the file's text (it may hold secrets).
 */
export interface ImportOptions {
  /** Locates the private compile cache of a TypeScript config (XDG_CACHE_HOME, HOME). */
  env?: NodeJS.ProcessEnv;
  /** Says what a --verbose run should know (a compile cache refused). */
  note?: (line: string) => void;
}

export async function importConfigFile(file: string, options: ImportOptions = {}): Promise<unknown> {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return readJson(file);
  if (!TYPESCRIPT.has(ext) && !JAVASCRIPT.has(ext)) {
    throw new IntegrationError('CONFIG_INVALID', `cannot load ${file}: config files must be .ts, .mjs, .js or .json`);
  }
  let mod: unknown;
  try {
    mod = TYPESCRIPT.has(ext) ? await importTypeScript(file, options) : await importJavaScript(file);
  } catch (err) {
    throw new IntegrationError('CONFIG_INVALID', `cannot load ${file}: ${oneLine(err, file)}`, { cause: err });
  }
  const exported = (mod as { default?: unknown } | undefined)?.default;
  if (exported === undefined) {
    throw new IntegrationError(
      'CONFIG_INVALID',
      `cannot load ${file}: it has no default export (write \`export default defineConfig({ ... })\`)`,
    );
  }
  return exported;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new IntegrationError('CONFIG_INVALID', `cannot read ${file}: ${oneLine(err, file)}`, { cause: err });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new IntegrationError('CONFIG_INVALID', `cannot load ${file}: invalid JSON: ${jsonMessage(err, text)}`);
  }
}

/**
 * V8 quotes a stretch of the input in some JSON messages; keep only the
 * description and turn "at position N" into a line and column.
 */
function jsonMessage(err: unknown, text: string): string {
  const raw = err instanceof Error ? err.message : String(err);
  let message = raw.replace(/,\s*(?:\.\.\.)?".*$/s, '').replace(/\s+/g, ' ').trim();
  const position = /at position (\d+)/.exec(message);
  if (position) {
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    message = message.replace(/ in JSON at position \d+| at position \d+/, '') + ` (line ${line}, column ${column})`;
  }
  return message || 'syntax error';
}

type Jiti = { import(id: string, opts?: { default?: boolean }): Promise<unknown> };

/** One loader per cache folder (a process normally has one; tests point HOME elsewhere). */
const jitis = new Map<string | false, Jiti>();
/** The cache folder chosen per environment, checked (and any note given) once per process. */
const caches = new Map<string, string | false>();

function compileCache(options: ImportOptions): string | false {
  const env = options.env ?? process.env;
  const key = `${env.XDG_CACHE_HOME ?? ''}\u0000${env.HOME ?? ''}`;
  let dir = caches.get(key);
  if (dir === undefined) caches.set(key, (dir = privateCompileCache(env, options.note)));
  return dir;
}

async function importTypeScript(file: string, options: ImportOptions): Promise<unknown> {
  const fsCache = compileCache(options);
  let jitiInstance = jitis.get(fsCache);
  if (!jitiInstance) {
    // Loaded only for .ts configs: it is the heaviest thing a CLI start could pull in.
    const { createJiti } = await import('jiti');
    jitiInstance = createJiti(import.meta.url, {
      moduleCache: false,
      interopDefault: false,
      // Never jiti's shared default ($TMPDIR/jiti): see compile-cache.ts. The cache is keyed by the file's content.
      fsCache,
      // A config imports defineConfig/env from 'integrations'; point that at this
      // very package, so a globally installed CLI works without a local install.
      alias: { integrations: defineModulePath() },
    });
    jitis.set(fsCache, jitiInstance);
  }
  return jitiInstance.import(file);
}

function defineModulePath(): string {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return fileURLToPath(new URL(`./define.${ext}`, import.meta.url));
}

async function importJavaScript(file: string): Promise<unknown> {
  // The query makes a changed file load afresh in a long-running process (the daemon reloading).
  const url = `${pathToFileURL(file).href}?mtime=${statSync(file).mtimeMs}`;
  return import(url);
}

/**
 * The first meaningful line of a loader's error, plus the file's line and
 * column when the loader names them. Code frames that follow are dropped:
 * they quote the file, which may hold secrets.
 */
function oneLine(err: unknown, file: string): string {
  const raw = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
  const lines = raw
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  let message = lines[0] ?? 'unknown error';
  // "Parse failed with 1 error:" says nothing until the line after it.
  if (message.endsWith(':') && lines[1]) message = `${message} ${lines[1]}`;
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const where = new RegExp(`${escaped}(?:\\?[^:\\s]*)?:(\\d+):(\\d+)`).exec(raw);
  if (where) message = `${message.replace(new RegExp(`\\s*${escaped}\\S*`, 'g'), '')} (line ${where[1]}, column ${where[2]})`;
  return message.length > 300 ? `${message.slice(0, 297)}...` : message;
}

import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, realpath, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { defineAdapter, defineOperation, type AdapterContext } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import { pathField } from '../../src/core/fields.js';
import { fsError } from './fs-errors.js';
import { keyPrefix, RESERVED_PREFIX, resolveKey, storageKey } from './keys.js';
import { listKeys } from './listing.js';
import { copyAtomically } from './transfer.js';

const config = z.object({
  root: pathField(z.string().min(1), 'Folder holding the stored files; created on first use'),
});

type Config = z.output<typeof config>;
type Ctx = AdapterContext<Config>;

/** The root as a real path (symlinks resolved), created when missing. */
async function openRoot(ctx: Ctx): Promise<string> {
  // The config loader already made it absolute; resolving again keeps a hand-built config safe.
  const root = resolve(ctx.baseDir, ctx.config.root);
  try {
    // Folders it makes are as private as the copies (0700, 0600); an existing root keeps its mode.
    await mkdir(root, { recursive: true, mode: 0o700 });
    const real = await realpath(root);
    if (!(await stat(real)).isDirectory()) throw Object.assign(new Error(`${root} is not a folder`), { code: 'ENOTDIR' });
    return real;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new IntegrationError('CONFIG_INVALID', `local-storage root ${root} exists and is not a folder`, { requestSent: false });
    throw fsError(err, `opening storage root ${root}`);
  }
}

function badLocalPath(path: string, why: string): IntegrationError {
  return new IntegrationError('VALIDATION_FAILED', `${path} ${why}`, { issues: [`payload.path: ${why}`], requestSent: false });
}

const upload = defineOperation({
  description: 'Copies a local file to a key under the root (atomically: readers never see half a file)',
  input: z.object({
    path: z.string().min(1).describe('Local file to upload (relative to the current folder)'),
    destination: storageKey.describe('Key to store it under, e.g. "reports/2026/01.csv"'),
  }),
  output: z.object({ key: z.string(), size: z.number().int(), sha256: z.string() }),
  // Writing the same bytes to the same key again changes nothing, so it is naturally idempotent. Declared
  // keyed, a repeated upload of an edited file would replay the first answer for a day and copy nothing.
  retry: 'safe',
  async run(ctx: Ctx, input) {
    const source = resolve(input.path);
    const info = await stat(source).catch(() => undefined);
    if (!info) throw badLocalPath(source, 'does not exist');
    if (!info.isFile()) throw badLocalPath(source, 'is not a regular file');
    const root = await openRoot(ctx);
    const target = await resolveKey(root, input.destination, 'destination');
    try {
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      if ((await stat(target).catch(() => undefined))?.isDirectory()) {
        throw new IntegrationError('INVALID_REQUEST', `key "${input.destination}" is a folder of other keys`, { provider: { code: 'EISDIR' } });
      }
      const copied = await copyAtomically(source, target, ctx.signal);
      return { key: input.destination, ...copied };
    } catch (err) {
      throw fsError(err, `uploading ${source} to "${input.destination}"`);
    }
  },
});

const download = defineOperation({
  description: 'Copies the file stored under a key to a local path (replacing it atomically)',
  input: z.object({
    source: storageKey.describe('Key to download'),
    path: z.string().min(1).describe('Local file to write (relative to the current folder)'),
  }),
  output: z.object({ key: z.string(), path: z.string(), size: z.number().int(), sha256: z.string() }),
  retry: 'safe',
  async run(ctx: Ctx, input) {
    const root = await openRoot(ctx);
    const stored = await resolveKey(root, input.source, 'source');
    const info = await stat(stored).catch(() => undefined);
    if (!info) throw new IntegrationError('NOT_FOUND', `no file stored under key "${input.source}"`, { provider: { code: 'ENOENT' } });
    if (!info.isFile()) throw new IntegrationError('INVALID_REQUEST', `key "${input.source}" is a folder of other keys, not a file`, { provider: { code: 'EISDIR' } });
    const destination = resolve(input.path);
    if ((await stat(destination).catch(() => undefined))?.isDirectory()) throw badLocalPath(destination, 'is a folder; name the file to write');
    try {
      await mkdir(dirname(destination), { recursive: true, mode: 0o700 });
      const copied = await copyAtomically(stored, destination, ctx.signal);
      return { key: input.source, path: destination, ...copied };
    } catch (err) {
      throw fsError(err, `downloading "${input.source}" to ${destination}`);
    }
  },
});

const remove = defineOperation({
  description: 'Deletes the file stored under a key; deleting a missing key succeeds with deleted: false',
  input: z.object({ key: storageKey.describe('Key to delete') }),
  output: z.object({ key: z.string(), deleted: z.boolean() }),
  retry: 'safe',
  async run(ctx: Ctx, input) {
    const root = await openRoot(ctx);
    const stored = await resolveKey(root, input.key, 'key');
    const info = await stat(stored).catch(() => undefined);
    if (!info) return { key: input.key, deleted: false };
    if (!info.isFile()) throw new IntegrationError('INVALID_REQUEST', `key "${input.key}" is a folder of other keys, not a file`, { provider: { code: 'EISDIR' } });
    try {
      await unlink(stored);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { key: input.key, deleted: false };
      throw fsError(err, `deleting "${input.key}"`);
    }
    await pruneEmptyFolders(root, dirname(stored));
    return { key: input.key, deleted: true };
  },
});

/** Keys are flat names: folders exist only to hold them, so the ones a delete empties go too. */
async function pruneEmptyFolders(root: string, from: string): Promise<void> {
  for (let dir = from; dir !== root && dir.startsWith(root); dir = dirname(dir)) {
    try {
      await rmdir(dir);
    } catch {
      return;
    }
  }
}

const list = defineOperation({
  description: 'Lists stored keys, optionally only those starting with a prefix',
  input: z.object({ prefix: keyPrefix.optional().describe('Only keys starting with this, e.g. "reports/"') }).default({}),
  output: z.object({ items: z.array(z.object({ key: z.string(), size: z.number().int(), modifiedAt: z.string() })) }),
  retry: 'safe',
  async run(ctx: Ctx, input) {
    const root = await openRoot(ctx);
    try {
      return { items: await listKeys(root, input.prefix ?? '') };
    } catch (err) {
      throw fsError(err, `listing "${input.prefix ?? ''}"`);
    }
  },
});

/** Files in a folder on this machine, behind the storage operations every storage provider offers. */
export default defineAdapter<Config>({
  name: 'local-storage',
  kind: 'storage',
  description: 'Files in a local folder, with the storage operations of a cloud bucket',
  config,
  operations: { upload, download, delete: remove, list },
  async health(ctx) {
    let root = resolve(ctx.baseDir, ctx.config.root);
    try {
      root = await openRoot(ctx);
      const probe = join(root, `${RESERVED_PREFIX}health-${randomUUID()}`);
      await writeFile(probe, 'probe', { flag: 'wx', mode: 0o600 });
      await unlink(probe);
      return { status: 'healthy', message: `${root} is writable` };
    } catch (err) {
      return { status: 'unhealthy', message: `${root} is not writable: ${(err as Error).message}` };
    }
  },
  async selfTest(ctx) {
    const scratch = await mkdtemp(join(tmpdir(), 'integrations-selftest-'));
    const key = `integrations-selftest/${randomUUID()}.bin`;
    try {
      const body = Buffer.from(`integrations self-test ${ctx.correlationId}\n`);
      const sha256 = createHash('sha256').update(body).digest('hex');
      await writeFile(join(scratch, 'probe.bin'), body, { mode: 0o600 });
      const put = await upload.run(ctx, { path: join(scratch, 'probe.bin'), destination: key });
      if (put.sha256 !== sha256) throw new IntegrationError('SERVER_ERROR', `uploaded probe ${key} has checksum ${put.sha256}, expected ${sha256}`);
      const listed = await list.run(ctx, { prefix: key });
      if (!listed.items.some((i) => i.key === key)) throw new IntegrationError('SERVER_ERROR', `uploaded probe ${key} is missing from list`);
      await download.run(ctx, { source: key, path: join(scratch, 'back.bin') });
      if (!(await readFile(join(scratch, 'back.bin'))).equals(body)) throw new IntegrationError('SERVER_ERROR', `probe ${key} came back different`);
      const gone = await remove.run(ctx, { key });
      if (!gone.deleted) throw new IntegrationError('SERVER_ERROR', `probe ${key} could not be deleted`);
      return `uploaded, listed, downloaded and deleted a ${body.length}-byte probe`;
    } finally {
      await remove.run(ctx, { key }).catch(() => undefined);
      await rm(scratch, { recursive: true, force: true });
    }
  },
});

import { z } from 'zod';
import { defineOperation } from '../../../src/core/adapter.js';
import { listFolder } from '../files.js';
import { keyPrefix } from '../../../src/core/adapter-kit/storage-keys.js';
import type { DriveContext } from '../token.js';

export const list = defineOperation({
  description: 'Lists the stored keys (file names in the folder), optionally only those starting with a prefix',
  input: z.object({ prefix: keyPrefix.optional().describe('Only keys starting with this, e.g. "reports/"') }).default({}),
  output: z.object({ items: z.array(z.object({ key: z.string(), size: z.number().int(), modifiedAt: z.string(), fileId: z.string() })) }),
  retry: 'safe',
  async run(ctx: DriveContext, input) {
    // Drive's `name contains` matches word prefixes, not string prefixes, so the folder is listed and filtered here.
    const prefix = input.prefix ?? '';
    const files = await listFolder(ctx);
    const items = files
      // Google Docs, Sheets and the like have no bytes (no size) and cannot be downloaded as files.
      .filter((f) => f.name.startsWith(prefix) && f.size !== undefined)
      .map((f) => ({ key: f.name, size: Number(f.size), modifiedAt: new Date(f.modifiedTime ?? 0).toISOString(), fileId: f.id }));
    // A key held by two files (an interrupted upload) shows twice: that is what reconciling needs to see.
    return { items: items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.modifiedAt.localeCompare(b.modifiedAt))) };
  },
});

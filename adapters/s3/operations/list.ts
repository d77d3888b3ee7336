import { z } from 'zod';
import { defineOperation } from '../../../src/core/adapter.js';
import { keyPrefix } from '../../../src/core/adapter-kit/storage-keys.js';
import { listObjects } from '../objects.js';
import type { S3Context } from '../sign.js';

export const list = defineOperation({
  description: 'Lists stored keys (ListObjectsV2, every page), optionally only those starting with a prefix',
  input: z.object({ prefix: keyPrefix.optional().describe('Only keys starting with this, e.g. "reports/"') }).default({}),
  output: z.object({ items: z.array(z.object({ key: z.string(), size: z.number().int(), modifiedAt: z.string(), etag: z.string().optional() })) }),
  retry: 'safe',
  async run(ctx: S3Context, input) {
    const objects = await listObjects(ctx, input.prefix ?? '');
    // Consoles create zero-byte "folder/" markers; they are not files and no key may end in "/".
    return { items: objects.filter((o) => !o.key.endsWith('/')) };
  },
});

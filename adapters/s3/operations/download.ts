import { resolve } from 'node:path';
import { z } from 'zod';
import { defineOperation } from '../../../src/core/adapter.js';
import { objectKey } from '../../../src/core/adapter-kit/storage-keys.js';
import { downloadVerified } from '../../../src/core/adapter-kit/verified-download.js';
import { getObjectInto } from '../objects.js';
import type { S3Context } from '../sign.js';

export const download = defineOperation({
  description: 'Downloads the object stored under a key to a local path, streamed to disk and checked against its length and (single-part) ETag before it replaces the file',
  input: z.object({
    source: objectKey.describe('Key to download'),
    path: z.string().min(1).describe('Local file to write (relative to the current folder)'),
  }),
  output: z.object({ key: z.string(), path: z.string(), size: z.number().int(), sha256: z.string() }),
  retry: 'safe',
  async run(ctx: S3Context, input) {
    const out = await downloadVerified(resolve(input.path), `S3 object "${input.source}"`, (sink) => getObjectInto(ctx, input.source, sink));
    return { key: input.source, ...out };
  },
});

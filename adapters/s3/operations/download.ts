import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { z } from 'zod';
import { defineOperation } from '../../../src/core/adapter.js';
import { objectKey } from '../../../src/core/adapter-kit/storage-keys.js';
import { writeAtomically } from '../../../src/core/adapter-kit/local-files.js';
import { getObject } from '../objects.js';
import type { S3Context } from '../sign.js';

export const download = defineOperation({
  description: 'Downloads the object stored under a key to a local path (replacing it atomically)',
  input: z.object({
    source: objectKey.describe('Key to download'),
    path: z.string().min(1).describe('Local file to write (relative to the current folder)'),
  }),
  output: z.object({ key: z.string(), path: z.string(), size: z.number().int(), sha256: z.string() }),
  retry: 'safe',
  async run(ctx: S3Context, input) {
    const bytes = await getObject(ctx, input.source);
    const destination = resolve(input.path);
    await writeAtomically(destination, bytes);
    return { key: input.source, path: destination, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  },
});

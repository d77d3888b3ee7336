import { resolve } from 'node:path';
import { z } from 'zod';
import { defineOperation } from '../../../src/core/adapter.js';
import { objectKey } from '../../../src/core/adapter-kit/storage-keys.js';
import { readLocalFile } from '../../../src/core/adapter-kit/local-files.js';
import { putObject } from '../objects.js';
import type { S3Context } from '../sign.js';

export const upload = defineOperation({
  description: 'Uploads a local file to a key in the bucket (one PutObject; the store checks its MD5)',
  input: z.object({
    path: z.string().min(1).describe('Local file to upload (relative to the current folder)'),
    destination: objectKey.describe('Key to store it under, e.g. "reports/2026/01.csv"'),
    contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, 'must be a media type such as text/csv').optional().describe('Content-Type stored with the object (application/octet-stream when omitted)'),
  }),
  output: z.object({ key: z.string(), size: z.number().int(), sha256: z.string(), etag: z.string().optional() }),
  // A PUT to a fixed key replaces the object whole: sending it again leaves the same object, so it is
  // naturally idempotent. (Declared keyed, a re-upload of an edited file would replay the first answer.)
  retry: 'safe',
  async run(ctx: S3Context, input) {
    const body = await readLocalFile(resolve(input.path), ctx.signal);
    const put = await putObject(ctx, input.destination, body, input.contentType);
    return { key: input.destination, size: body.length, sha256: put.sha256, ...(put.etag ? { etag: put.etag } : {}) };
  },
});

import { resolve } from 'node:path';
import { z } from 'zod';
import { defineOperation } from '../../../src/core/adapter.js';
import { IntegrationError } from '../../../src/core/errors.js';
import { objectKey } from '../../../src/core/adapter-kit/storage-keys.js';
import { localFileSize, readLocalFile } from '../../../src/core/adapter-kit/local-files.js';
import { MAX_OBJECT_BYTES } from '../limits.js';
import { uploadFileInParts } from '../multipart.js';
import { putObject } from '../objects.js';
import type { S3Context } from '../sign.js';

export const upload = defineOperation({
  description: 'Uploads a local file to a key in the bucket: one PutObject up to multipartThresholdBytes, a multipart upload streamed from disk above (aborted on failure); the store checks every MD5',
  input: z.object({
    path: z.string().min(1).describe('Local file to upload (relative to the current folder)'),
    destination: objectKey.describe('Key to store it under, e.g. "reports/2026/01.csv"'),
    contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, 'must be a media type such as text/csv').optional().describe('Content-Type stored with the object (application/octet-stream when omitted)'),
  }),
  output: z.object({ key: z.string(), size: z.number().int(), sha256: z.string(), etag: z.string().optional(), parts: z.number().int().optional() }),
  // A PUT to a fixed key replaces the object whole: sending it again leaves the same object, so it is
  // naturally idempotent. A multipart upload is too: the object appears only when it completes, whole,
  // and a retry starts a new upload (the failed one is aborted). (Declared keyed, a re-upload of an
  // edited file would replay the first answer.)
  retry: 'safe',
  async run(ctx: S3Context, input) {
    const path = resolve(input.path);
    const size = await localFileSize(path);
    if (size > MAX_OBJECT_BYTES) {
      throw new IntegrationError('VALIDATION_FAILED', `${path} is ${size} bytes; S3 objects hold at most ${MAX_OBJECT_BYTES} (5 TiB)`, { issues: ['payload.path: larger than 5 TiB'], requestSent: false });
    }
    const contentType = input.contentType ?? 'application/octet-stream';
    if (size > ctx.config.multipartThresholdBytes) {
      const sent = await uploadFileInParts(ctx, input.destination, path, size, { contentType, partSize: ctx.config.partSizeBytes });
      return { key: input.destination, size, ...sent };
    }
    const body = await readLocalFile(path, ctx.signal);
    const put = await putObject(ctx, input.destination, body, contentType);
    return { key: input.destination, size: body.length, sha256: put.sha256, ...(put.etag ? { etag: put.etag } : {}) };
  },
});

import { resolve } from 'node:path';
import { z } from 'zod';
import { defineOperation } from '../../../src/core/adapter.js';
import { IntegrationError } from '../../../src/core/errors.js';
import { downloadFileInto, filesNamed } from '../files.js';
import { objectKey } from '../../../src/core/adapter-kit/storage-keys.js';
import { downloadVerified } from '../../../src/core/adapter-kit/verified-download.js';
import type { DriveContext } from '../token.js';

export const download = defineOperation({
  description: 'Downloads the file stored under a key to a local path, streamed to disk and checked against the size and md5Checksum Drive lists before it replaces the file; the newest one when several share the name',
  input: z.object({
    source: objectKey.describe('Key (Drive file name) to download'),
    path: z.string().min(1).describe('Local file to write (relative to the current folder)'),
  }),
  output: z.object({ key: z.string(), path: z.string(), size: z.number().int(), sha256: z.string(), fileId: z.string() }),
  retry: 'safe',
  async run(ctx: DriveContext, input) {
    const [file] = await filesNamed(ctx, input.source);
    if (!file) throw new IntegrationError('NOT_FOUND', `no file named "${input.source}" in Drive folder ${ctx.config.folderId}`, { provider: { code: 'notFound' } });
    const out = await downloadVerified(resolve(input.path), `Drive file "${file.name}" (${file.id})`, (sink) => downloadFileInto(ctx, file, sink));
    return { key: input.source, ...out, fileId: file.id };
  },
});

import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { z } from 'zod';
import { defineOperation } from '../../../src/core/adapter.js';
import { filesNamed, sendContent } from '../files.js';
import { objectKey } from '../../../src/core/adapter-kit/storage-keys.js';
import { readLocalFile } from '../../../src/core/adapter-kit/local-files.js';
import type { DriveContext } from '../token.js';

export const upload = defineOperation({
  description: 'Uploads a local file under a key (a file name in the folder): replaces the content of the file with that name, or creates it',
  input: z.object({
    path: z.string().min(1).describe('Local file to upload (relative to the current folder)'),
    destination: objectKey.describe('Key to store it under (the Drive file name), e.g. "reports/2026/01.csv"'),
    contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a media type such as text/csv').optional().describe('MIME type stored with the file (application/octet-stream when omitted)'),
  }),
  output: z.object({ key: z.string(), size: z.number().int(), sha256: z.string(), fileId: z.string(), created: z.boolean() }),
  // Replacing an existing file's content is idempotent, but creating is not: files.create makes a new
  // file (a new id) every time, Drive has no idempotency key, and its search may not yet show a file
  // created a moment ago, so a resent create can leave two files with one name. An answer lost after
  // sending is therefore OUTCOME_UNKNOWN, reconciled by listing the key.
  retry: 'unsafe',
  checkOutcome:
    'list the destination (`run <integration> list` with the destination as prefix): one file of the uploaded size means it was stored (succeeded); none, that it was not (failed); two, that it was stored twice (delete the older one, then mark it succeeded)',
  async run(ctx: DriveContext, input) {
    const body = await readLocalFile(resolve(input.path), ctx.signal);
    const mediaType = input.contentType ?? 'application/octet-stream';
    const [existing] = await filesNamed(ctx, input.destination);
    const file = await sendContent(ctx, existing ? { update: existing.id } : { create: input.destination }, body, mediaType);
    return { key: input.destination, size: body.length, sha256: createHash('sha256').update(body).digest('hex'), fileId: file.id, created: !existing };
  },
});

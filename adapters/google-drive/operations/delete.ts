import { z } from 'zod';
import { defineOperation } from '../../../src/core/adapter.js';
import { deleteFile, filesNamed } from '../files.js';
import { objectKey } from '../../../src/core/adapter-kit/storage-keys.js';
import type { DriveContext } from '../token.js';

export const remove = defineOperation({
  description: 'Deletes the file(s) stored under a key, permanently; deleting a missing key succeeds with deleted: false',
  input: z.object({ key: objectKey.describe('Key (Drive file name) to delete') }),
  output: z.object({ key: z.string(), deleted: z.boolean(), files: z.number().int() }),
  // Deleting what is already gone changes nothing (a 404 counts as done).
  retry: 'safe',
  async run(ctx: DriveContext, input) {
    // Every file with the name goes, so a duplicate left by an interrupted upload does not resurface.
    const files = await filesNamed(ctx, input.key);
    for (const file of files) await deleteFile(ctx, file);
    return { key: input.key, deleted: files.length > 0, files: files.length };
  },
});

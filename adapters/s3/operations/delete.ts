import { z } from 'zod';
import { defineOperation } from '../../../src/core/adapter.js';
import { objectKey } from '../../../src/core/adapter-kit/storage-keys.js';
import { deleteObject, objectExists } from '../objects.js';
import type { S3Context } from '../sign.js';

export const remove = defineOperation({
  description: 'Deletes the object stored under a key (HeadObject then DeleteObject: needs s3:GetObject and s3:DeleteObject); deleting a missing key succeeds with deleted: false',
  input: z.object({ key: objectKey.describe('Key to delete') }),
  output: z.object({ key: z.string(), deleted: z.boolean() }),
  retry: 'safe',
  async run(ctx: S3Context, input) {
    // DeleteObject answers 204 either way; HeadObject tells whether there was anything to delete.
    const existed = await objectExists(ctx, input.key);
    // Sent even when HEAD saw nothing: a missing bucket then fails loudly (NoSuchBucket) instead of passing as "not there".
    await deleteObject(ctx, input.key);
    return { key: input.key, deleted: existed };
  },
});

import { createHash, randomUUID } from 'node:crypto';
import type { HealthResult } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import { deleteObject, getObject, listObjects, putObject } from './objects.js';
import type { S3Context } from './sign.js';
import { endpointOf } from './url.js';

/** ListObjectsV2 with max-keys=1: one cheap signed call proves the endpoint, the keys, the bucket and list permission. */
export async function s3Health(ctx: S3Context): Promise<HealthResult> {
  const where = `bucket ${ctx.config.bucket} at ${endpointOf(ctx.config).host}`;
  try {
    await listObjects(ctx, '', 1);
    return { status: 'healthy', message: `${where} is reachable and listable` };
  } catch (err) {
    if (err instanceof IntegrationError) return { status: 'unhealthy', message: `${where}: ${err.category}: ${err.message}` };
    throw err;
  }
}

/** Writes, lists, reads back and deletes a small probe object. */
export async function s3SelfTest(ctx: S3Context): Promise<string> {
  const key = `integrations-selftest/${randomUUID()}.txt`;
  const body = Buffer.from(`integrations self-test ${ctx.correlationId}\n`);
  let deleted = false;
  try {
    await putObject(ctx, key, body, 'text/plain');
    const listed = await listObjects(ctx, key);
    if (!listed.some((o) => o.key === key)) throw new IntegrationError('SERVER_ERROR', `uploaded probe ${key} is missing from the listing`);
    const back = await getObject(ctx, key);
    if (createHash('sha256').update(back).digest('hex') !== createHash('sha256').update(body).digest('hex')) {
      throw new IntegrationError('SERVER_ERROR', `probe ${key} came back different`);
    }
    await deleteObject(ctx, key);
    deleted = true;
    return `uploaded, listed, downloaded and deleted a ${body.length}-byte probe in bucket ${ctx.config.bucket} at ${endpointOf(ctx.config).host}`;
  } finally {
    if (!deleted) await deleteObject(ctx, key).catch(() => undefined);
  }
}

import { createHash, randomUUID } from 'node:crypto';
import type { HealthResult } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import { deleteFile, downloadFile, filesNamed, sendContent } from './files.js';
import { driveError } from './errors.js';
import { cachedAccessToken, driveRequest, type DriveContext } from './token.js';

interface About {
  user?: { displayName?: string; emailAddress?: string };
}

/**
 * The cached access token (a fresh one only when it is missing or about to
 * expire), then about.get: proves the client, the refresh token and the
 * Drive API without spending a token request on every check. A token Google
 * revoked early is refused by about.get and replaced there (driveRequest).
 */
async function whoAmI(ctx: DriveContext): Promise<{ who: string; expiresInSeconds: number }> {
  const res = await driveRequest(ctx, { method: 'GET', path: '/drive/v3/about', query: { fields: 'user(displayName,emailAddress)' } });
  if (res.status !== 200) throw driveError(res, ctx.clock.now(), 'about.get');
  const about = res.json<About>();
  // Read after the call: driveRequest may have replaced a token Google refused.
  const token = await cachedAccessToken(ctx);
  return { who: about.user?.emailAddress ?? about.user?.displayName ?? 'unknown user', expiresInSeconds: Math.max(0, Math.round((token.expiresAt - ctx.clock.now()) / 1000)) };
}

export async function driveHealth(ctx: DriveContext): Promise<HealthResult> {
  try {
    const { who, expiresInSeconds } = await whoAmI(ctx);
    return { status: 'healthy', message: `signed in as ${who}; access token valid for ${expiresInSeconds} s` };
  } catch (err) {
    if (err instanceof IntegrationError) return { status: 'unhealthy', message: `${err.category}: ${err.message}` };
    throw err;
  }
}

/** Uploads, finds, reads back and deletes a small probe file in the configured folder. */
export async function driveSelfTest(ctx: DriveContext): Promise<string> {
  const { who } = await whoAmI(ctx);
  const key = `integrations-selftest-${randomUUID()}.txt`;
  const body = Buffer.from(`integrations self-test ${ctx.correlationId}\n`);
  const file = await sendContent(ctx, { create: key }, body, 'text/plain');
  try {
    const found = await filesNamed(ctx, key);
    if (!found.some((f) => f.id === file.id)) throw new IntegrationError('SERVER_ERROR', `uploaded probe ${key} is missing from the folder listing`);
    const back = await downloadFile(ctx, file);
    if (createHash('sha256').update(back).digest('hex') !== createHash('sha256').update(body).digest('hex')) throw new IntegrationError('SERVER_ERROR', `probe ${key} came back different`);
  } finally {
    await deleteFile(ctx, file);
  }
  return `signed in as ${who}; uploaded, found, downloaded and deleted a ${body.length}-byte probe in folder ${ctx.config.folderId}`;
}

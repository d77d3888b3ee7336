import { createHash } from 'node:crypto';
import { IntegrationError } from '../../src/core/errors.js';
import type { HttpMethod } from '../../src/http/types.js';
import { driveError } from './errors.js';
import { multipartRelated } from './multipart.js';
import { filesInFolder } from './query.js';
import { driveRequest, type DriveContext } from './token.js';

/** The Drive calls the operations are made of, on bytes in memory. */

export interface DriveFile {
  id: string;
  name: string;
  mimeType?: string;
  /** Drive sends int64 as a string; absent for Google Docs and folders. */
  size?: string;
  md5Checksum?: string;
  modifiedTime?: string;
}

const FILE_FIELDS = 'id,name,mimeType,size,md5Checksum,modifiedTime';
/** Above this, Drive wants a resumable upload instead of a multipart one. */
export const MULTIPART_LIMIT = 5 * 1024 * 1024;
/** Works for folders in shared drives as well as in My Drive. */
const ALL_DRIVES = { supportsAllDrives: 'true' } as const;

/** Every file in the folder (optionally with one exact name), all pages. */
export async function listFolder(ctx: DriveContext, name?: string, pageSize = 1000): Promise<DriveFile[]> {
  const files: DriveFile[] = [];
  let pageToken: string | undefined;
  do {
    const res = await driveRequest(ctx, {
      method: 'GET',
      path: '/drive/v3/files',
      query: { q: filesInFolder(ctx.config.folderId, name), fields: `nextPageToken,files(${FILE_FIELDS})`, pageSize, pageToken, includeItemsFromAllDrives: 'true', ...ALL_DRIVES },
    });
    if (res.status !== 200) throw driveError(res, ctx.clock.now(), name === undefined ? 'listing' : `lookup of "${name}"`);
    const page = res.json<{ files?: DriveFile[]; nextPageToken?: string }>();
    files.push(...(page.files ?? []));
    pageToken = page.nextPageToken;
  } while (pageToken);
  return files;
}

/** The files holding a key, newest first (names are not unique in Drive). */
export async function filesNamed(ctx: DriveContext, key: string): Promise<DriveFile[]> {
  const found = await listFolder(ctx, key, 100);
  return found.filter((f) => f.name === key).sort((a, b) => (b.modifiedTime ?? '').localeCompare(a.modifiedTime ?? ''));
}

/**
 * Uploads bytes as a new file in the folder (POST) or as new content of an
 * existing file (PATCH): multipart up to 5 MB, resumable above.
 */
export async function sendContent(ctx: DriveContext, target: { create: string } | { update: string }, media: Buffer, mediaType: string): Promise<DriveFile> {
  const [method, path]: [HttpMethod, string] = 'create' in target ? ['POST', '/upload/drive/v3/files'] : ['PATCH', `/upload/drive/v3/files/${encodeURIComponent(target.update)}`];
  const metadata = 'create' in target ? { name: target.create, parents: [ctx.config.folderId], mimeType: mediaType } : { mimeType: mediaType };
  const action = `upload of "${'create' in target ? target.create : target.update}"`;
  let res;
  if (media.length <= MULTIPART_LIMIT) {
    const { body, contentType } = multipartRelated(metadata, media, mediaType);
    res = await driveRequest(ctx, { method, path, query: { uploadType: 'multipart', fields: FILE_FIELDS, ...ALL_DRIVES }, headers: { 'content-type': contentType }, body });
  } else {
    const start = await driveRequest(ctx, {
      method,
      path,
      query: { uploadType: 'resumable', fields: FILE_FIELDS, ...ALL_DRIVES },
      headers: { 'x-upload-content-type': mediaType, 'x-upload-content-length': String(media.length) },
      json: metadata,
    });
    if (start.status !== 200) throw driveError(start, ctx.clock.now(), action);
    const session = start.headers.location;
    if (!session) throw new IntegrationError('SERVER_ERROR', `Google Drive ${action}: the resumable session answer had no Location`, { provider: { status: start.status } });
    // The whole file in one request: the session URI alone authorises it.
    res = await driveRequest(ctx, { method: 'PUT', path: session, headers: { 'content-type': mediaType }, body: media });
  }
  if (res.status !== 200 && res.status !== 201) throw driveError(res, ctx.clock.now(), action);
  const file = res.json<DriveFile>();
  const md5 = createHash('md5').update(media).digest('hex');
  if (file.md5Checksum && file.md5Checksum !== md5) {
    throw new IntegrationError('SERVER_ERROR', `Google Drive stored ${file.id} with MD5 ${file.md5Checksum}, but ${md5} was sent`, { provider: { status: res.status } });
  }
  return file;
}

export async function downloadFile(ctx: DriveContext, file: DriveFile): Promise<Buffer> {
  const res = await driveRequest(ctx, { method: 'GET', path: `/drive/v3/files/${encodeURIComponent(file.id)}`, query: { alt: 'media', ...ALL_DRIVES } });
  if (res.status !== 200) throw driveError(res, ctx.clock.now(), `download of "${file.name}"`);
  return res.body;
}

/** Permanently deletes (files.delete skips the trash); a file already gone counts as deleted. */
export async function deleteFile(ctx: DriveContext, file: DriveFile): Promise<void> {
  const res = await driveRequest(ctx, { method: 'DELETE', path: `/drive/v3/files/${encodeURIComponent(file.id)}`, query: ALL_DRIVES });
  if (res.status === 204 || res.status === 200 || res.status === 404) return;
  throw driveError(res, ctx.clock.now(), `delete of "${file.name}"`);
}

import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { ExpectedContent } from '../../src/core/adapter-kit/verified-download.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { HttpMethod } from '../../src/http/types.js';
import { driveError } from './errors.js';
import { multipartRelated } from './multipart.js';
import { filesInFolder } from './query.js';
import { driveRequest, type DriveContext } from './token.js';

/** The Drive calls the operations are made of. */

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

/**
 * An answer we cannot follow: not transient (asking again gets the same
 * pages), so INVALID_REQUEST, which the executor does not retry, rather than
 * SERVER_ERROR, which it would retry and the circuit would count.
 */
function untrustedPaging(what: string, code: string, message: string): IntegrationError {
  return new IntegrationError('INVALID_REQUEST', `Google Drive ${what} stopped: ${message}`, { provider: { code, message } });
}

/** Every file in the folder (optionally with one exact name), all pages, up to the config's maxListPages. */
export async function listFolder(ctx: DriveContext, name?: string, pageSize = 1000): Promise<DriveFile[]> {
  const files: DriveFile[] = [];
  const what = name === undefined ? 'listing' : `lookup of "${name}"`;
  const seen = new Set<string>();
  let pages = 0;
  let pageToken: string | undefined;
  do {
    if (pageToken !== undefined) {
      if (seen.has(pageToken)) throw untrustedPaging(what, 'repeatedPageToken', `page ${pages + 1} would repeat a nextPageToken Drive already gave, so the listing would never end`);
      seen.add(pageToken);
      if (pages >= ctx.config.maxListPages) throw untrustedPaging(what, 'tooManyPages', `more than ${ctx.config.maxListPages} pages (maxListPages in the integration's config)`);
    }
    const res = await driveRequest(ctx, {
      method: 'GET',
      path: '/drive/v3/files',
      query: { q: filesInFolder(ctx.config.folderId, name), fields: `nextPageToken,files(${FILE_FIELDS})`, pageSize, pageToken, includeItemsFromAllDrives: 'true', ...ALL_DRIVES },
    });
    if (res.status !== 200) throw driveError(res, ctx.clock.now(), what);
    pages++;
    const page = res.json<{ files?: DriveFile[]; nextPageToken?: string | null }>();
    files.push(...(page.files ?? []));
    // Absent on the last page; an empty string ends it too.
    pageToken = page.nextPageToken || undefined;
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

/** Google Docs, Sheets, folders, shortcuts: no bytes of their own (no size, no md5Checksum), so alt=media refuses them. */
export const isGoogleNative = (file: DriveFile) => (file.mimeType ?? '').startsWith('application/vnd.google-apps.');

/**
 * files.get?alt=media streamed into `sink`, answering what Drive lists for
 * the file (size and md5Checksum, both present for files with binary
 * content) for the caller to check the bytes against.
 */
export async function downloadFileInto(ctx: DriveContext, file: DriveFile, sink: Writable): Promise<ExpectedContent> {
  if (isGoogleNative(file)) {
    const message = `"${file.name}" is a ${file.mimeType} with no binary content to download (export it from Drive)`;
    throw new IntegrationError('INVALID_REQUEST', `Google Drive download of ${message}`, { provider: { code: 'fileNotDownloadable', message }, requestSent: false });
  }
  const res = await driveRequest(ctx, { method: 'GET', path: `/drive/v3/files/${encodeURIComponent(file.id)}`, query: { alt: 'media', ...ALL_DRIVES }, bodySink: (status) => (status === 200 ? sink : undefined) });
  if (res.status !== 200) throw driveError(res, ctx.clock.now(), `download of "${file.name}"`);
  return { ...(file.size !== undefined && /^\d+$/.test(file.size) ? { size: Number(file.size) } : {}), ...(file.md5Checksum ? { md5: file.md5Checksum } : {}) };
}

/** The bytes of a small file (the self-test's probe). */
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

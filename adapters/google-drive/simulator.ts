import { createHash, randomBytes } from 'node:crypto';
import type { SimulatorOptions } from '../../src/core/adapter.js';
import { ProviderSimulator } from '../../src/core/provider-simulator.js';
import type { SimReply, SimRequest } from '../../src/core/simulator.js';
import { FOLDER_MIME } from './query.js';
import { parseMultipartRelated } from './simulator-multipart.js';
import { parseFields, parseQuery, select, type Selector } from './simulator-query.js';

export interface DriveSimulatorOptions extends SimulatorOptions {
  /** What the token endpoint puts in expires_in. */
  tokenTtlSeconds?: number;
}

export interface SimFile {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  trashed: boolean;
  /** Absent for folders and Google Docs. */
  content?: Buffer;
  createdTime: number;
  modifiedTime: number;
  version: number;
}

interface UploadSession {
  target: { create: true } | { update: string };
  metadata: Record<string, unknown>;
  fields?: string;
  declaredType?: string;
  declaredLength?: number;
}

const DEFAULT_FILE_FIELDS = parseFields('kind,id,name,mimeType') as Selector;
const DEFAULT_LIST_FIELDS = parseFields('kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)') as Selector;

function googleError(status: number, reason: string, message: string, where: { location?: string; locationType?: string; domain?: string } = {}): SimReply {
  const statusName: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND' };
  return {
    status,
    body: { error: { code: status, message, errors: [{ message, domain: where.domain ?? 'global', reason, ...(where.location ? { location: where.location, locationType: where.locationType ?? 'parameter' } : {}) }], ...(statusName[status] ? { status: statusName[status] } : {}) } },
  };
}

const notFound = (id: string) => googleError(404, 'notFound', `File not found: ${id}.`, { location: 'fileId' });

/**
 * A local Google Drive v3: the OAuth token endpoint (refresh-token grant,
 * access tokens that expire on the injected clock), files in memory with
 * multipart and resumable uploads (create and update), alt=media downloads,
 * delete, list with q / pageSize / pageToken / fields, about.get, and
 * Google's JSON error shape.
 */
export class DriveSimulator extends ProviderSimulator {
  readonly files = new Map<string, SimFile>();
  readonly credentials: { clientId: string; clientSecret: string; refreshToken: string };
  readonly rootId = this.newId();
  readonly folderId = this.newId();
  readonly user = { kind: 'drive#user', displayName: 'Operations Team', emailAddress: 'ops@example.org', me: true, permissionId: '01234567890123456789' };
  private readonly accessTokens = new Map<string, number>();
  private readonly refreshTokens = new Set<string>();
  private readonly sessions = new Map<string, UploadSession>();
  private answersToLose = 0;
  private pagingFault?: 'repeat' | 'endless';
  private readonly wrongBodies: Buffer[] = [];

  constructor(private readonly options: DriveSimulatorOptions = {}) {
    super(options);
    this.credentials = {
      clientId: `${randomBytes(6).toString('hex')}-sim.apps.googleusercontent.com`,
      clientSecret: `GOCSPX-${randomBytes(14).toString('base64url')}`,
      refreshToken: `1//sim${randomBytes(24).toString('base64url')}`,
    };
    this.refreshTokens.add(this.credentials.refreshToken);
    const now = this.clock.now();
    this.files.set(this.folderId, { id: this.folderId, name: 'integrations', mimeType: FOLDER_MIME, parents: [this.rootId], trashed: false, createdTime: now, modifiedTime: now, version: 1 });
    this.server
      .route('POST', '/token', (req) => this.token(req))
      .route('GET', '/drive/v3/about', (req) => this.authed(req, () => this.about(req)))
      .route('GET', '/drive/v3/files', (req) => this.authed(req, () => this.list(req)))
      .route('GET', '/drive/v3/files/:id', (req) => this.authed(req, () => this.get(req)))
      .route('DELETE', '/drive/v3/files/:id', (req) => this.authed(req, () => this.remove(req)))
      .route('POST', '/upload/drive/v3/files', (req) => this.authed(req, () => this.upload(req, { create: true })))
      .route('PATCH', '/upload/drive/v3/files/:id', (req) => this.authed(req, () => this.upload(req, { update: req.params.id })))
      // The session URI is a capability: it needs no Authorization header.
      .route('PUT', '/upload/drive/v3/files', (req) => this.finishSession(req))
      .route('PUT', '/upload/drive/v3/files/:id', (req) => this.finishSession(req));
  }

  protected onListening(url: string): void {
    this.config = { baseUrl: url, tokenUrl: `${url}/token`, folderId: this.folderId, ...this.credentials };
  }

  /**
   * Broken paging, as a server driven only by the API description answers:
   * 'repeat' gives every list answer the same nextPageToken (and serves the
   * first page for it again); 'endless' always gives a new one.
   */
  pageTokenFault(kind: 'repeat' | 'endless' | undefined): this {
    this.pagingFault = kind;
    return this;
  }

  /** The next `times` alt=media downloads answer these bytes instead of the file's (its listed size and md5Checksum stay). */
  serveWrongBody(body: Buffer | string, times = 1): this {
    for (let i = 0; i < times; i++) this.wrongBodies.push(Buffer.from(body));
    return this;
  }

  /** The next `times` uploads are stored, then their answers never come (the client times out). */
  loseNextAnswers(times = 1): this {
    this.answersToLose += times;
    return this;
  }

  /** Every issued access token stops working (revoked before its expiry). */
  revokeAccessTokens(): void {
    this.accessTokens.clear();
  }

  /** The user withdrew the app's access: the refresh token is dead too. */
  revokeRefreshToken(): void {
    this.refreshTokens.clear();
    this.accessTokens.clear();
  }

  /** The files (not folders) in the integration's folder, by name. */
  stored(name?: string): SimFile[] {
    return [...this.files.values()].filter((f) => f.parents.includes(this.folderId) && f.mimeType !== FOLDER_MIME && !f.trashed && (name === undefined || f.name === name));
  }

  /** Adds a file directly, as another Drive client would have. */
  addFile(name: string, content: Buffer | string | undefined, mimeType = 'application/octet-stream'): SimFile {
    const now = this.clock.now();
    const file: SimFile = { id: this.newId(), name, mimeType, parents: [this.folderId], trashed: false, content: content === undefined ? undefined : Buffer.from(content), createdTime: now, modifiedTime: now, version: 1 };
    this.files.set(file.id, file);
    return file;
  }

  private newId(): string {
    return randomBytes(25).toString('base64url').slice(0, 33);
  }

  private resolveId(id: string): string {
    return id === 'root' ? this.rootId : id;
  }

  private resource(f: SimFile): Record<string, unknown> {
    return {
      kind: 'drive#file',
      id: f.id,
      name: f.name,
      mimeType: f.mimeType,
      parents: f.parents,
      trashed: f.trashed,
      version: String(f.version),
      createdTime: new Date(f.createdTime).toISOString(),
      modifiedTime: new Date(f.modifiedTime).toISOString(),
      ...(f.content
        ? { size: String(f.content.length), md5Checksum: createHash('md5').update(f.content).digest('hex'), sha256Checksum: createHash('sha256').update(f.content).digest('hex') }
        : {}),
    };
  }

  private fieldsOf(req: SimRequest, fallback: Selector): Selector | SimReply {
    if (req.query.fields === undefined) return fallback;
    return parseFields(req.query.fields) ?? googleError(400, 'invalidParameter', `Invalid field selection ${req.query.fields}`, { location: 'fields' });
  }

  private token(req: SimRequest): SimReply {
    const form = (req.parsed ?? {}) as Record<string, string>;
    const oauth = (status: number, error: string, description: string): SimReply => ({ status, body: { error, error_description: description } });
    if (form.grant_type !== 'refresh_token') return oauth(400, 'unsupported_grant_type', `Invalid grant_type: ${form.grant_type ?? ''}`);
    if (form.client_id !== this.credentials.clientId || form.client_secret !== this.credentials.clientSecret) return oauth(401, 'invalid_client', 'Unauthorized');
    if (!form.refresh_token || !this.refreshTokens.has(form.refresh_token)) return oauth(400, 'invalid_grant', 'Token has been expired or revoked.');
    const ttl = this.options.tokenTtlSeconds ?? 3599;
    const accessToken = `ya29.sim${randomBytes(24).toString('base64url')}`;
    this.accessTokens.set(accessToken, this.clock.now() + ttl * 1000);
    return { body: { access_token: accessToken, expires_in: ttl, scope: 'https://www.googleapis.com/auth/drive', token_type: 'Bearer' } };
  }

  private authed(req: SimRequest, next: () => SimReply | undefined): SimReply | undefined {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expiresAt = token ? this.accessTokens.get(token) : undefined;
    if (expiresAt === undefined || expiresAt <= this.clock.now()) {
      const reply = googleError(401, 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', {
        location: 'Authorization',
        locationType: 'header',
      });
      return { ...reply, headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' } };
    }
    return next();
  }

  private about(req: SimRequest): SimReply {
    if (!req.query.fields) return googleError(400, 'required', "The 'fields' parameter is required for this method.", { location: 'fields' });
    const fields = this.fieldsOf(req, DEFAULT_FILE_FIELDS);
    if (!(fields instanceof Map)) return fields;
    return { body: select({ kind: 'drive#about', user: this.user, storageQuota: { limit: '16106127360', usage: '0' } }, fields) };
  }

  private list(req: SimRequest): SimReply {
    const fields = this.fieldsOf(req, DEFAULT_LIST_FIELDS);
    if (!(fields instanceof Map)) return fields;
    const pageSize = req.query.pageSize === undefined ? 100 : Number(req.query.pageSize);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) return googleError(400, 'invalid', `Invalid value '${req.query.pageSize}'. Values must be within the range: [1, 1000]`, { location: 'pageSize' });
    const matches = req.query.q === undefined ? () => true : parseQuery(req.query.q, (id) => this.resolveId(id));
    if (!matches) return googleError(400, 'invalid', 'Invalid Value', { location: 'q' });
    const all = [...this.files.values()].filter((f) => matches(f)).sort((a, b) => a.createdTime - b.createdTime || (a.id < b.id ? -1 : 1));
    const offset = req.query.pageToken === undefined || this.pagingFault ? 0 : Number(Buffer.from(req.query.pageToken, 'base64url').toString().replace(/^sim:/, ''));
    if (!Number.isInteger(offset) || offset < 0) return googleError(400, 'invalid', 'Invalid Value', { location: 'pageToken' });
    const page = all.slice(offset, offset + pageSize);
    const next =
      this.pagingFault === 'repeat'
        ? 'sim-repeated-token'
        : this.pagingFault === 'endless'
          ? `sim-endless-${randomBytes(6).toString('hex')}`
          : offset + pageSize < all.length
            ? Buffer.from(`sim:${offset + pageSize}`).toString('base64url')
            : undefined;
    return { body: select({ kind: 'drive#fileList', incompleteSearch: false, ...(next ? { nextPageToken: next } : {}), files: page.map((f) => this.resource(f)) }, fields) };
  }

  private get(req: SimRequest): SimReply {
    const file = this.files.get(this.resolveId(req.params.id));
    if (!file || file.trashed) return notFound(req.params.id);
    if (req.query.alt === 'media') {
      if (!file.content) return googleError(403, 'fileNotDownloadable', 'Only files with binary content can be downloaded. Use Export with Docs Editors files.', { location: 'alt' });
      return { headers: { 'content-type': file.mimeType }, body: this.wrongBodies.shift() ?? file.content };
    }
    const fields = this.fieldsOf(req, DEFAULT_FILE_FIELDS);
    if (!(fields instanceof Map)) return fields;
    return { body: select(this.resource(file), fields) };
  }

  private remove(req: SimRequest): SimReply {
    const file = this.files.get(req.params.id);
    if (!file) return notFound(req.params.id);
    this.files.delete(file.id);
    return { status: 204 };
  }

  private upload(req: SimRequest, target: UploadSession['target']): SimReply | undefined {
    const type = req.query.uploadType;
    if (type === 'multipart') {
      const parsed = parseMultipartRelated(req.body, req.headers['content-type'] ?? '');
      if (!parsed) return googleError(400, 'badContent', 'Bad multipart upload: expected a JSON metadata part and a media part', { location: 'body' });
      return this.store(target, parsed.metadata, parsed.media, parsed.mediaType, req.query.fields);
    }
    if (type === 'resumable') {
      let metadata: Record<string, unknown> = {};
      if (req.text) {
        try {
          metadata = JSON.parse(req.text) as Record<string, unknown>;
        } catch {
          return googleError(400, 'parseError', 'Parse Error');
        }
      }
      if ('update' in target && !this.files.has(target.update)) return notFound(target.update);
      const uploadId = randomBytes(18).toString('base64url');
      const declaredLength = req.headers['x-upload-content-length'] === undefined ? undefined : Number(req.headers['x-upload-content-length']);
      this.sessions.set(uploadId, { target, metadata, fields: req.query.fields, declaredType: req.headers['x-upload-content-type'], declaredLength });
      const path = 'update' in target ? `/upload/drive/v3/files/${target.update}` : '/upload/drive/v3/files';
      return { status: 200, headers: { location: `${this.url}${path}?uploadType=resumable&upload_id=${uploadId}` } };
    }
    return googleError(400, 'invalid', `Invalid value '${type ?? ''}'. Values must be one of: media, multipart, resumable`, { location: 'uploadType' });
  }

  private finishSession(req: SimRequest): SimReply | undefined {
    const session = req.query.upload_id ? this.sessions.get(req.query.upload_id) : undefined;
    if (!session) return { status: 404, body: 'Not Found' };
    if (session.declaredLength !== undefined && session.declaredLength !== req.body.length) {
      return googleError(400, 'badContent', `Upload length ${req.body.length} does not match X-Upload-Content-Length ${session.declaredLength}`);
    }
    this.sessions.delete(req.query.upload_id as string);
    return this.store(session.target, session.metadata, req.body, req.headers['content-type'] ?? session.declaredType ?? 'application/octet-stream', session.fields);
  }

  private store(target: UploadSession['target'], metadata: Record<string, unknown>, media: Buffer, mediaType: string, fieldSpec: string | undefined): SimReply | undefined {
    const fields = fieldSpec === undefined ? DEFAULT_FILE_FIELDS : parseFields(fieldSpec);
    if (!fields) return googleError(400, 'invalidParameter', `Invalid field selection ${fieldSpec}`, { location: 'fields' });
    const now = this.clock.now();
    let file: SimFile;
    if ('update' in target) {
      const existing = this.files.get(target.update);
      if (!existing || existing.trashed) return notFound(target.update);
      file = { ...existing, content: media, mimeType: typeof metadata.mimeType === 'string' ? metadata.mimeType : existing.mimeType, modifiedTime: now, version: existing.version + 1 };
    } else {
      const parents = Array.isArray(metadata.parents) ? (metadata.parents as string[]).map((p) => this.resolveId(p)) : [this.rootId];
      for (const p of parents) {
        if (p !== this.rootId && this.files.get(p)?.mimeType !== FOLDER_MIME) return notFound(p);
      }
      file = {
        id: this.newId(),
        name: typeof metadata.name === 'string' ? metadata.name : 'Untitled',
        mimeType: typeof metadata.mimeType === 'string' ? metadata.mimeType : mediaType,
        parents,
        trashed: false,
        content: media,
        createdTime: now,
        modifiedTime: now,
        version: 1,
      };
    }
    this.files.set(file.id, file);
    if (this.answersToLose > 0) {
      this.answersToLose--;
      // Stored, but the answer never leaves: the client's request times out.
      return undefined;
    }
    return { status: 200, body: select(this.resource(file), fields) };
  }
}

export async function startDriveSimulator(options: DriveSimulatorOptions = {}): Promise<DriveSimulator> {
  return new DriveSimulator(options).start();
}

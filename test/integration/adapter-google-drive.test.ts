import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import drive from '../../adapters/google-drive/index.js';
import { startDriveSimulator, type DriveSimulator } from '../../adapters/google-drive/simulator.js';
import type { Harness } from './payment-adapter-harness.js';
import { onSimulator, type SimulatorFixture } from './simulator-fixture.js';
import { failure } from './expect-failure.js';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const TOKEN = '/token';
const googleError = (code: number, reason: string, message: string, extra: Record<string, string> = {}) => ({
  error: { code, message, errors: [{ domain: reason.includes('RateLimit') ? 'usageLimits' : 'global', reason, message, ...extra }] },
});

describe('google-drive adapter against its simulator', () => {
  let sim: DriveSimulator;
  let h: Harness;
  let clock: ManualClock;
  /** Another integration of the adapter, with other config. */
  let other: SimulatorFixture<DriveSimulator>['withConfig'];
  let dir: string;
  let file: SimulatorFixture<DriveSimulator>['file'];

  beforeEach(async () => {
    const f = await onSimulator(drive, startDriveSimulator);
    ({ sim, h, clock, dir, file, withConfig: other } = f);
    return f.close;
  });

  const bearer = (r: { headers: Record<string, string> }) => r.headers.authorization;
  const apiCalls = () => sim.requests.filter((r) => r.path !== TOKEN);

  describe('operations', () => {
    it('uploads a new key as a multipart create in the folder, then replaces its content in place', async () => {
      const first = await h.run('upload', { path: file('a.csv', 'id,amount\n1,250\n'), destination: 'reports/2026/01.csv', contentType: 'text/csv' });
      expect(first).toEqual({ key: 'reports/2026/01.csv', size: 16, sha256: sha256('id,amount\n1,250\n'), fileId: expect.any(String), created: true });
      const [stored] = sim.stored('reports/2026/01.csv');
      expect(stored).toMatchObject({ id: first.fileId, mimeType: 'text/csv', parents: [sim.folderId] });
      expect(stored.content?.toString()).toBe('id,amount\n1,250\n');
      const [post] = sim.received('/upload/drive/v3/files');
      expect(post.query).toMatchObject({ uploadType: 'multipart', supportsAllDrives: 'true' });
      expect(post.headers['content-type']).toMatch(/^multipart\/related; boundary=/);
      expect(bearer(post)).toMatch(/^Bearer ya29\.sim/);

      const second = await h.run('upload', { path: file('b.csv', 'id,amount\n1,300\n'), destination: 'reports/2026/01.csv', contentType: 'text/csv' });
      expect(second).toMatchObject({ fileId: first.fileId, created: false });
      expect(sim.stored('reports/2026/01.csv')).toHaveLength(1);
      expect(sim.stored('reports/2026/01.csv')[0]).toMatchObject({ version: 2 });
      expect(sim.stored('reports/2026/01.csv')[0].content?.toString()).toBe('id,amount\n1,300\n');
      expect(sim.received(`/upload/drive/v3/files/${first.fileId}`)[0].method).toBe('PATCH');
      // The lookup asked for exactly that name in that folder.
      expect(sim.received('/drive/v3/files')[0].query.q).toBe(`'${sim.folderId}' in parents and trashed = false and mimeType != 'application/vnd.google-apps.folder' and name = 'reports/2026/01.csv'`);
    });

    it('uses a resumable session above 5 MB', async () => {
      const big = Buffer.alloc(5 * 1024 * 1024 + 10, 7);
      const out = await h.run('upload', { path: file('big.bin', big), destination: 'big.bin' });
      expect(out).toMatchObject({ size: big.length, sha256: sha256(big), created: true });
      const [start, put] = sim.requests.filter((r) => r.path === '/upload/drive/v3/files');
      expect(start.query.uploadType).toBe('resumable');
      expect(start.headers['x-upload-content-length']).toBe(String(big.length));
      expect(JSON.parse(start.text)).toEqual({ name: 'big.bin', parents: [sim.folderId], mimeType: 'application/octet-stream' });
      expect(put.method).toBe('PUT');
      expect(put.query.upload_id).toBeTruthy();
      expect(sim.stored('big.bin')[0].content?.equals(big)).toBe(true);
    });

    it('escapes quotes in the name it looks up, so the lookup finds the file again', async () => {
      await h.run('upload', { path: file('q', 'q'), destination: "it's (final).txt" });
      expect(sim.received('/drive/v3/files')[0].query.q).toContain("name = 'it\\'s (final).txt'");
      expect((await h.run('upload', { path: file('q2', 'q2'), destination: "it's (final).txt" })).created).toBe(false);
      expect(sim.stored("it's (final).txt")).toHaveLength(1);
    });

    it('downloads with alt=media; a missing key is NOT_FOUND; a Google Doc cannot be downloaded', async () => {
      sim.addFile('data/x.bin', Buffer.from([0, 1, 2, 255]));
      const out = await h.run('download', { source: 'data/x.bin', path: join(dir, 'deep', 'x.bin') });
      expect(out).toMatchObject({ key: 'data/x.bin', size: 4, sha256: sha256(Buffer.from([0, 1, 2, 255])) });
      expect(readFileSync(out.path)).toEqual(Buffer.from([0, 1, 2, 255]));
      expect(sim.received(/^\/drive\/v3\/files\/.+/)[0].query).toMatchObject({ alt: 'media' });
      expect(await failure(h.run('download', { source: 'nope', path: join(dir, 'n') }))).toMatchObject({ category: 'NOT_FOUND' });
      // A Google Doc has no bytes, no size and no md5Checksum: refused before asking for its media.
      sim.addFile('minutes', undefined, 'application/vnd.google-apps.document');
      const doc = await failure(h.run('download', { source: 'minutes', path: join(dir, 'm') }));
      expect(doc).toMatchObject({ category: 'INVALID_REQUEST', requestSent: false, provider: { code: 'fileNotDownloadable' } });
      expect(doc.message).toMatch(/"minutes" is a application\/vnd.google-apps.document with no binary content to download/);
      expect(sim.received(/^\/drive\/v3\/files\/.+/)).toHaveLength(1);
    });

    it('checks a download against the listed size and md5Checksum: a wrong body leaves nothing at the destination', async () => {
      sim.addFile('report.txt', 'twelve bytes');
      // The 12 listed bytes, and 4,604 served.
      sim.serveWrongBody(Buffer.alloc(4604, 'x'));
      const fresh = join(dir, 'out', 'report.txt');
      const long = await failure(h.run('download', { source: 'report.txt', path: fresh }));
      expect(long).toMatchObject({ category: 'SERVER_ERROR', provider: { code: 'ChecksumMismatch' } });
      expect(long.message).toMatch(/4604 bytes arrived where 12 were listed; nothing was written/);
      expect(existsSync(fresh)).toBe(false);
      // Same length, other bytes: the MD5 tells.
      const kept = file('kept.txt', 'the copy from yesterday');
      sim.serveWrongBody('TWELVE BYTES');
      const garbled = await failure(h.run('download', { source: 'report.txt', path: kept }));
      expect(garbled.message).toMatch(/the body's MD5 [0-9a-f]{32} is not the listed [0-9a-f]{32}/);
      expect(readFileSync(kept, 'utf8')).toBe('the copy from yesterday');
      expect(readdirSync(dir, { recursive: true }).filter((n) => String(n).endsWith('.part'))).toEqual([]);
      // The executor retries a garbled transfer (a download is safe); the right body then lands.
      sim.serveWrongBody('TWELVE BYTES');
      const out = await h.executor.execute(h.integration.name, 'download', { source: 'report.txt', path: kept });
      expect(out).toMatchObject({ ok: true, attempts: 2, result: { size: 12, sha256: sha256('twelve bytes') } });
      expect(readFileSync(kept, 'utf8')).toBe('twelve bytes');
    });

    it('deletes every file holding the key; a missing key is deleted: false', async () => {
      sim.addFile('dup.txt', 'one');
      sim.addFile('dup.txt', 'two');
      expect(await h.run('delete', { key: 'dup.txt' })).toEqual({ key: 'dup.txt', deleted: true, files: 2 });
      expect(sim.stored('dup.txt')).toHaveLength(0);
      expect(await h.run('delete', { key: 'dup.txt' })).toEqual({ key: 'dup.txt', deleted: false, files: 0 });
    });

    it('lists the folder across pages, filtered by prefix, without folders or Google Docs', async () => {
      for (let i = 0; i < 1005; i++) sim.addFile(`logs/${String(i).padStart(4, '0')}.log`, 'x'.repeat(i % 5));
      sim.addFile('other.txt', 'o');
      sim.addFile('logs/notes', undefined, 'application/vnd.google-apps.document');
      const out = await h.run('list', { prefix: 'logs/' });
      expect(out.items).toHaveLength(1005);
      expect(out.items[0]).toEqual({ key: 'logs/0000.log', size: 0, modifiedAt: '2026-01-01T00:00:00.000Z', fileId: expect.any(String) });
      expect(out.items[1004].key).toBe('logs/1004.log');
      const pages = sim.received('/drive/v3/files');
      expect(pages).toHaveLength(2);
      expect(pages[0].query).toMatchObject({ pageSize: '1000', fields: 'nextPageToken,files(id,name,mimeType,size,md5Checksum,modifiedTime)' });
      expect(pages[1].query.pageToken).toBeTruthy();
      expect((await h.run('list', {})).items).toHaveLength(1006);
    });

    it('stops, without retrying, when Drive repeats a page token', async () => {
      sim.addFile('a.txt', 'a');
      sim.pageTokenFault('repeat');
      const out = await h.executor.execute(h.integration.name, 'list', {});
      if (out.ok) throw new Error('expected the listing to fail');
      expect(out.attempts).toBe(1);
      expect(out.error).toMatchObject({ category: 'INVALID_REQUEST', provider: { code: 'repeatedPageToken' } });
      expect(out.error.message).toMatch(/^Google Drive listing stopped: page 3 would repeat a nextPageToken Drive already gave/);
      // The first page, then the token once: its repeat is never followed.
      expect(sim.received('/drive/v3/files')).toHaveLength(2);
      // Uploads look the key up the same way, and stop the same way.
      expect(await failure(h.run('upload', { path: file('b.txt', 'b'), destination: 'b.txt' }))).toMatchObject({ provider: { code: 'repeatedPageToken' } });
    });

    it('stops at maxListPages (default 100) when every page names a new one', async () => {
      sim.pageTokenFault('endless');
      const capped = other({ maxListPages: 5 });
      const err = await failure(capped.run('list', {}));
      expect(err).toMatchObject({ category: 'INVALID_REQUEST', provider: { code: 'tooManyPages' } });
      expect(err.message).toMatch(/more than 5 pages \(maxListPages in the integration's config\)/);
      expect(sim.received('/drive/v3/files')).toHaveLength(5);
      await failure(h.run('list', {}));
      expect(sim.received('/drive/v3/files')).toHaveLength(105);
      expect(drive.config.parse(sim.config)).toMatchObject({ maxListPages: 100 });
      sim.pageTokenFault(undefined);
      expect((await h.run('list', {})).items).toEqual([]);
    });
  });

  describe('access tokens', () => {
    it('refreshes with the client credentials once, and reuses the token across calls and contexts', async () => {
      await h.run('list', {});
      await h.run('list', {});
      await drive.operations.list.run(h.ctx() as never, {});
      const tokens = sim.received(TOKEN);
      expect(tokens).toHaveLength(1);
      expect(tokens[0].parsed).toEqual({ client_id: sim.credentials.clientId, client_secret: sim.credentials.clientSecret, refresh_token: sim.credentials.refreshToken, grant_type: 'refresh_token' });
      const calls = apiCalls();
      expect(new Set(calls.map(bearer)).size).toBe(1);
    });

    it('keeps the token until a minute before it expires, then refreshes before calling', async () => {
      await h.run('list', {});
      clock.advance((3599 - 61) * 1000);
      await h.run('list', {});
      expect(sim.received(TOKEN)).toHaveLength(1);
      clock.advance(2_000);
      await h.run('list', {});
      expect(sim.received(TOKEN)).toHaveLength(2);
      const calls = apiCalls();
      expect(bearer(calls[2])).not.toBe(bearer(calls[1]));
      // No call was refused along the way.
      expect(calls).toHaveLength(3);
    });

    it('refreshes once when Drive refuses the token mid-flight, and the upload is made once', async () => {
      await h.run('list', {});
      sim.failNext({ kind: 'status', status: 401, body: googleError(401, 'authError', 'Invalid Credentials', { location: 'Authorization' }) }, 1, /^\/upload\//);
      const out = await h.run('upload', { path: file('r.txt', 'refreshed'), destination: 'r.txt' });
      expect(out.created).toBe(true);
      expect(sim.received(TOKEN)).toHaveLength(2);
      const posts = sim.received('/upload/drive/v3/files');
      expect(posts).toHaveLength(2);
      expect(bearer(posts[1])).not.toBe(bearer(posts[0]));
      expect(sim.stored('r.txt')).toHaveLength(1);
    });

    it('a token revoked early is replaced; a second refusal stands as AUTHENTICATION_FAILED', async () => {
      await h.run('list', {});
      sim.revokeAccessTokens();
      expect((await h.run('list', {})).items).toEqual([]);
      expect(sim.received(TOKEN)).toHaveLength(2);
      sim.failNext({ kind: 'status', status: 401, body: googleError(401, 'authError', 'Invalid Credentials') }, 2, /^\/drive\//);
      const err = await failure(h.run('list', {}));
      expect(err).toMatchObject({ category: 'AUTHENTICATION_FAILED', provider: { status: 401, code: 'authError' } });
      expect(sim.received(TOKEN)).toHaveLength(3);
    });

    it('maps a revoked refresh token (invalid_grant) and a wrong client secret to AUTHENTICATION_FAILED', async () => {
      sim.revokeRefreshToken();
      const grant = await failure(h.run('list', {}));
      expect(grant).toMatchObject({ category: 'AUTHENTICATION_FAILED', provider: { status: 400, code: 'invalid_grant', message: 'Token has been expired or revoked.' } });
      expect(grant.message).toMatch(/authorise again/);
      const client = await failure(other({ clientSecret: 'GOCSPX-wrong' }).run('list', {}));
      expect(client).toMatchObject({ category: 'AUTHENTICATION_FAILED', provider: { status: 401, code: 'invalid_client' } });
      expect(apiCalls()).toHaveLength(0);
    });
  });

  describe('errors', () => {
    it('maps 403 userRateLimitExceeded to RATE_LIMITED, 500 backendError to SERVER_ERROR, 400 with a location to VALIDATION_FAILED', async () => {
      sim.failNext({ kind: 'status', status: 403, body: googleError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded') }, 1, /^\/drive\//);
      expect(await failure(h.run('list', {}))).toMatchObject({ category: 'RATE_LIMITED', provider: { status: 403, code: 'userRateLimitExceeded' } });
      sim.failNext({ kind: 'status', status: 500, body: googleError(500, 'backendError', 'Backend Error') }, 1, /^\/drive\//);
      expect(await failure(h.run('list', {}))).toMatchObject({ category: 'SERVER_ERROR', provider: { code: 'backendError' } });
      sim.failNext({ kind: 'status', status: 400, body: googleError(400, 'invalid', 'Invalid Value', { location: 'q', locationType: 'parameter' }) }, 1, /^\/drive\//);
      expect(await failure(h.run('list', {}))).toMatchObject({ category: 'VALIDATION_FAILED', provider: { code: 'invalid', field: 'q' } });
      sim.failNext({ kind: 'status', status: 403, body: googleError(403, 'insufficientPermissions', 'Insufficient Permission') }, 1, /^\/drive\//);
      expect(await failure(h.run('list', {}))).toMatchObject({ category: 'AUTHENTICATION_FAILED', provider: { code: 'insufficientPermissions' } });
    });

    it('honours a 429 Retry-After through the executor', async () => {
      sim.failNext({ kind: 'rate-limit', retryAfterSeconds: 5 }, 1, /^\/drive\//);
      const out = await h.executor.execute(h.integration.name, 'list', {});
      expect(out.ok).toBe(true);
      expect(out.attempts).toBe(2);
      expect(clock.sleeps).toEqual([5000]);
    });
  });

  describe('an upload whose answer is lost (unsafe: files.create is not idempotent)', () => {
    it('is OUTCOME_UNKNOWN, never re-sent, and reconciled by listing the key', async () => {
      const t = other({}, { timeoutMs: 300 });
      expect(drive.operations.upload.retry).toBe('unsafe');
      sim.loseNextAnswers(1);
      const payload = { path: file('u.txt', 'uploaded once'), destination: 'invoices/u.txt' };
      const out = await t.executor.execute(t.integration.name, 'upload', payload);
      expect(out.ok).toBe(false);
      if (!out.ok) expect(out.error.category).toBe('OUTCOME_UNKNOWN');
      expect(out.attempts).toBe(1);
      expect(sim.received('/upload/drive/v3/files')).toHaveLength(1);

      const again = await t.executor.execute(t.integration.name, 'upload', payload);
      expect(again.ok).toBe(false);
      if (!again.ok) expect(again.error.category).toBe('OUTCOME_UNKNOWN');
      expect(sim.received('/upload/drive/v3/files')).toHaveLength(1);

      const listed = await t.executor.execute(t.integration.name, 'list', { prefix: 'invoices/u.txt' });
      expect(listed.ok && listed.result).toEqual({ items: [{ key: 'invoices/u.txt', size: 13, modifiedAt: expect.any(String), fileId: sim.stored('invoices/u.txt')[0].id }] });
    });

    it('stalled before Drive stored it: unknown, and the listing shows nothing to reconcile', async () => {
      const t = other({}, { timeoutMs: 300 });
      sim.failNext({ kind: 'stall' }, 1, /^\/upload\//);
      const out = await t.executor.execute(t.integration.name, 'upload', { path: file('s.txt', 's'), destination: 's.txt' });
      expect(!out.ok && out.error.category).toBe('OUTCOME_UNKNOWN');
      const listed = await t.executor.execute(t.integration.name, 'list', { prefix: 's.txt' });
      expect(listed.ok && listed.result).toEqual({ items: [] });
    });
  });

  it('health reuses the cached token and reads about.get; the self-test round-trips a probe', async () => {
    const health = await drive.health!(h.ctx() as never);
    expect(health).toEqual({ status: 'healthy', message: 'signed in as ops@example.org; access token valid for 3599 s' });
    expect(sim.received(TOKEN)).toHaveLength(1);
    // Within the token's lifetime, further checks and calls ask for no new one.
    clock.advance(30 * 60_000);
    expect(await drive.health!(h.ctx() as never)).toEqual({ status: 'healthy', message: 'signed in as ops@example.org; access token valid for 1799 s' });
    await h.run('list', {});
    expect(sim.received(TOKEN)).toHaveLength(1);
    expect(sim.received('/drive/v3/about')[0].query.fields).toBe('user(displayName,emailAddress)');
    expect(await drive.selfTest!(h.ctx() as never)).toMatch(/uploaded, found, downloaded and deleted a \d+-byte probe/);
    expect(sim.stored()).toHaveLength(0);
    sim.revokeRefreshToken();
    expect(await drive.health!(h.ctx() as never)).toMatchObject({ status: 'unhealthy', message: expect.stringContaining('invalid_grant') });
  });

  it('keeps the client secret, the refresh token and access tokens out of the operation log', async () => {
    await h.executor.execute(h.integration.name, 'upload', { path: file('l.txt', 'l'), destination: 'l.txt' });
    sim.revokeRefreshToken();
    await h.executor.execute(h.integration.name, 'list', {});
    const rows = JSON.stringify(await h.store.logs.query({}));
    expect(rows).toContain('invalid_grant');
    const accessToken = bearer(apiCalls()[0]).replace('Bearer ', '');
    for (const secret of [sim.credentials.clientSecret, sim.credentials.refreshToken, accessToken]) expect(rows).not.toContain(secret);
  });
});

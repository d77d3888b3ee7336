import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsV4Signer } from 'aws4fetch';
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import s3 from '../../adapters/s3/index.js';
import { s3Url } from '../../adapters/s3/url.js';
import { partSizeFor } from '../../adapters/s3/multipart.js';
import { MAX_PARTS, MIB } from '../../adapters/s3/limits.js';
import { startS3Simulator, type S3Simulator } from '../../adapters/s3/simulator.js';
import type { Harness } from './payment-adapter-harness.js';
import { onSimulator, type SimulatorFixture } from './simulator-fixture.js';
import { failure } from './expect-failure.js';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('s3 adapter against its simulator', () => {
  let sim: S3Simulator;
  let h: Harness;
  let clock: ManualClock;
  /** The same store with other config: another integration of the adapter. */
  let withConfig: SimulatorFixture<S3Simulator>['withConfig'];
  let dir: string;
  let file: SimulatorFixture<S3Simulator>['file'];

  beforeEach(async () => {
    const f = await onSimulator(s3, startS3Simulator);
    ({ sim, h, clock, dir, file, withConfig } = f);
    return f.close;
  });

  it('uploads with a SigV4 signature, the payload hash and Content-MD5', async () => {
    const body = 'id,amount\n1,250\n';
    const out = await h.run('upload', { path: file('a.csv', body), destination: 'reports/2026/01.csv', contentType: 'text/csv' });
    expect(out).toEqual({ key: 'reports/2026/01.csv', size: body.length, sha256: sha256(body), etag: createHash('md5').update(body).digest('hex') });
    expect(sim.objects.get('reports/2026/01.csv')).toMatchObject({ body: Buffer.from(body), contentType: 'text/csv' });
    const [put] = sim.received(`/${sim.bucket}/reports/2026/01.csv`);
    expect(put.method).toBe('PUT');
    expect(put.headers['x-amz-content-sha256']).toBe(sha256(body));
    expect(put.headers['content-md5']).toBe(createHash('md5').update(body).digest('base64'));
    expect(put.headers['x-amz-date']).toBe('20260101T000000Z');
    expect(put.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${sim.credentials.accessKeyId}/20260101/us-east-1/s3/aws4_request, SignedHeaders=content-md5;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$`));
  });

  it('round-trips keys with spaces, plus signs, ampersands and non-ASCII through upload, list and download', async () => {
    const keys = ['notes/a b+c&d.txt', 'notes/été/ünïcødé 1.txt', "notes/it's (1)*.txt"];
    for (const [i, key] of keys.entries()) await h.run('upload', { path: file(`f${i}`, `body ${i}`), destination: key });
    expect([...sim.objects.keys()].sort()).toEqual([...keys].sort());
    const listed = await h.run('list', { prefix: 'notes/' });
    expect(listed.items.map((i: { key: string }) => i.key).sort()).toEqual([...keys].sort());
    for (const [i, key] of keys.entries()) {
      const out = await h.run('download', { source: key, path: join(dir, `back${i}`) });
      expect(readFileSync(out.path, 'utf8')).toBe(`body ${i}`);
    }
  });

  it('downloads atomically into a new folder and reports size and checksum', async () => {
    sim.put('data/x.bin', Buffer.from([0, 1, 2, 255]));
    const out = await h.run('download', { source: 'data/x.bin', path: join(dir, 'deep', 'er', 'x.bin') });
    expect(out).toEqual({ key: 'data/x.bin', path: join(dir, 'deep', 'er', 'x.bin'), size: 4, sha256: sha256(Buffer.from([0, 1, 2, 255])) });
    expect(readFileSync(out.path)).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it('maps NoSuchKey and NoSuchBucket to NOT_FOUND, keeping S3\'s code and message', async () => {
    const missing = await failure(h.run('download', { source: 'nope.txt', path: join(dir, 'nope') }));
    expect(missing).toMatchObject({ category: 'NOT_FOUND', provider: { status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' } });
    const other = withConfig({ bucket: 'no-such-bucket' });
    const bucket = await failure(other.run('list', {}));
    expect(bucket).toMatchObject({ category: 'NOT_FOUND', provider: { status: 404, code: 'NoSuchBucket' } });
  });

  it('deletes: deleted true when the key existed, false when it did not; a missing bucket still fails', async () => {
    sim.put('old.txt', 'x');
    expect(await h.run('delete', { key: 'old.txt' })).toEqual({ key: 'old.txt', deleted: true });
    expect(sim.objects.has('old.txt')).toBe(false);
    expect(await h.run('delete', { key: 'old.txt' })).toEqual({ key: 'old.txt', deleted: false });
    expect(sim.received('/sim-bucket/old.txt').map((r) => r.method)).toEqual(['HEAD', 'DELETE', 'HEAD', 'DELETE']);
    const other = withConfig({ bucket: 'no-such-bucket' });
    expect((await failure(other.run('delete', { key: 'old.txt' }))).provider?.code).toBe('NoSuchBucket');
  });

  it('lists by prefix across continuation pages, in S3 key order', async () => {
    for (let i = 0; i < 2005; i++) sim.put(`logs/${String(i).padStart(5, '0')}.log`, 'x'.repeat(i % 7));
    sim.put('other/z.txt', 'z');
    sim.put('logs/', '');
    const out = await h.run('list', { prefix: 'logs/' });
    expect(out.items).toHaveLength(2005);
    expect(out.items[0]).toEqual({ key: 'logs/00000.log', size: 0, modifiedAt: '2026-01-01T00:00:00.000Z', etag: createHash('md5').update('').digest('hex') });
    expect(out.items[2004].key).toBe('logs/02004.log');
    const pages = sim.received('/sim-bucket');
    expect(pages).toHaveLength(3);
    expect(pages[0].query).toMatchObject({ 'list-type': '2', 'encoding-type': 'url', 'max-keys': '1000', prefix: 'logs/' });
    expect(pages[1].query['continuation-token']).toBeTruthy();
    expect((await h.run('list', {})).items).toHaveLength(2006);
  });

  it('refuses keys that would climb or collapse before anything is sent', async () => {
    for (const destination of ['../x', 'a/./b', 'a//b', '/abs', 'a\\b', 'x/']) {
      expect(s3.operations.upload.input.safeParse({ path: 'f', destination }).success, destination).toBe(false);
    }
    const err = await failure(h.run('upload', { path: join(dir, 'missing.txt'), destination: 'ok.txt' }));
    expect(err).toMatchObject({ category: 'VALIDATION_FAILED', requestSent: false });
    expect(sim.requests).toHaveLength(0);
  });

  describe('signature verification', () => {
    it('rejects a wrong secret with SignatureDoesNotMatch (AUTHENTICATION_FAILED), and stores nothing', async () => {
      const wrong = withConfig({ secretAccessKey: `${sim.credentials.secretAccessKey}x` });
      const err = await failure(wrong.run('upload', { path: file('w.txt', 'w'), destination: 'w.txt' }));
      expect(err).toMatchObject({ category: 'AUTHENTICATION_FAILED', provider: { status: 403, code: 'SignatureDoesNotMatch' } });
      expect(sim.objects.size).toBe(0);
      expect(err.message).not.toContain(sim.credentials.secretAccessKey);
    });

    it('rejects an unknown access key, the wrong region and a skewed clock', async () => {
      const unknown = await failure(withConfig({ accessKeyId: 'AKIAUNKNOWN' }).run('list', {}));
      expect(unknown).toMatchObject({ category: 'AUTHENTICATION_FAILED', provider: { code: 'InvalidAccessKeyId' } });
      const region = await failure(withConfig({ region: 'eu-west-1' }).run('list', {}));
      expect(region).toMatchObject({ category: 'CONFIG_INVALID', provider: { status: 400, code: 'AuthorizationHeaderMalformed' } });
      expect(region.provider?.message).toMatch(/the region 'eu-west-1' is wrong; expecting 'us-east-1'/);
      const late = new ManualClock(clock.now() + 16 * 60_000);
      const skewed = await failure(withConfig({}, { clock: late }).run('list', {}));
      expect(skewed).toMatchObject({ category: 'AUTHENTICATION_FAILED', provider: { code: 'RequestTimeTooSkewed' } });
      // Within S3's 15 minutes, the same request passes.
      expect((await withConfig({}, { clock: new ManualClock(clock.now() + 14 * 60_000) }).run('list', {})).items).toEqual([]);
    });

    it('recomputes the signature: a correctly signed request altered afterwards, or an unsigned one, is refused', async () => {
      const sign = async (url: string, body = 'hello') =>
        new AwsV4Signer({
          method: 'PUT',
          url,
          body,
          headers: { 'x-amz-content-sha256': sha256(body) },
          accessKeyId: sim.credentials.accessKeyId,
          secretAccessKey: sim.credentials.secretAccessKey,
          service: 's3',
          region: 'us-east-1',
          datetime: '20260101T000000Z',
        }).sign();
      const good = await sign(`${sim.url}/sim-bucket/k.txt`);
      expect((await fetch(good.url, { method: 'PUT', headers: good.headers, body: 'hello' })).status).toBe(200);
      const moved = await sign(`${sim.url}/sim-bucket/k.txt`);
      const elsewhere = await fetch(`${sim.url}/sim-bucket/k2.txt`, { method: 'PUT', headers: moved.headers, body: 'hello' });
      expect(elsewhere.status).toBe(403);
      expect(await elsewhere.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
      const tampered = await fetch(good.url, { method: 'PUT', headers: good.headers, body: 'HELLO' });
      expect(await tampered.text()).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
      const anonymous = await fetch(`${sim.url}/sim-bucket/k.txt`);
      expect(anonymous.status).toBe(403);
      expect(await anonymous.text()).toContain('<Code>AccessDenied</Code>');
      expect([...sim.objects.keys()]).toEqual(['k.txt']);
    });
  });

  describe('error mapping', () => {
    const xml = (code: string, message: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>R1</RequestId></Error>`;

    it('SlowDown is RATE_LIMITED with Retry-After; InternalError is SERVER_ERROR; AccessDenied is AUTHENTICATION_FAILED', async () => {
      sim.failNext({ kind: 'status', status: 503, body: xml('SlowDown', 'Please reduce your request rate.'), headers: { 'content-type': 'application/xml', 'retry-after': '4' } });
      const slow = await failure(h.run('list', {}));
      expect(slow).toMatchObject({ category: 'RATE_LIMITED', retryAfterMs: 4000, provider: { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' } });
      sim.failNext({ kind: 'status', status: 500, body: xml('InternalError', 'We encountered an internal error. Please try again.'), headers: { 'content-type': 'application/xml' } });
      expect(await failure(h.run('list', {}))).toMatchObject({ category: 'SERVER_ERROR', provider: { code: 'InternalError' }, details: { requestId: 'R1' } });
      sim.failNext({ kind: 'status', status: 403, body: xml('AccessDenied', 'Access Denied'), headers: { 'content-type': 'application/xml' } });
      expect(await failure(h.run('download', { source: 'x', path: join(dir, 'x') }))).toMatchObject({ category: 'AUTHENTICATION_FAILED', provider: { code: 'AccessDenied' } });
      sim.failNext({ kind: 'status', status: 400, body: xml('InvalidArgument', 'Invalid argument.').replace('</Message>', '</Message><ArgumentName>max-keys</ArgumentName>'), headers: { 'content-type': 'application/xml' } });
      expect(await failure(h.run('list', {}))).toMatchObject({ category: 'VALIDATION_FAILED', provider: { code: 'InvalidArgument', field: 'max-keys' } });
    });

    it('honours a 429 Retry-After through the executor', async () => {
      sim.failNext({ kind: 'rate-limit', retryAfterSeconds: 2 });
      const out = await h.executor.execute(h.integration.name, 'list', {});
      expect(out.ok).toBe(true);
      expect(out.attempts).toBe(2);
      expect(clock.sleeps).toEqual([2000]);
    });

    it('a stalled upload times out and is retried (a PUT to a fixed key is safe): one object, the right bytes', async () => {
      const t = withConfig({}, { timeoutMs: 300 });
      sim.failNext({ kind: 'stall' }, 1);
      const out = await t.executor.execute(t.integration.name, 'upload', { path: file('s.txt', 'stalled once'), destination: 'stall/s.txt' });
      expect(s3.operations.upload.retry).toBe('safe');
      expect(out.ok).toBe(true);
      expect(out.attempts).toBe(2);
      expect(sim.received('/sim-bucket/stall/s.txt')).toHaveLength(2);
      expect([...sim.objects.keys()]).toEqual(['stall/s.txt']);
      expect(sim.contentOf('stall/s.txt')?.toString()).toBe('stalled once');
    });
  });

  it('health lists one key; the self-test writes, lists, reads and deletes a probe', async () => {
    expect(await s3.health!(h.ctx() as never)).toEqual({ status: 'healthy', message: expect.stringContaining('bucket sim-bucket at 127.0.0.1') });
    expect(sim.received('/sim-bucket')[0].query['max-keys']).toBe('1');
    expect(await s3.selfTest!(h.ctx() as never)).toMatch(/uploaded, listed, downloaded and deleted a \d+-byte probe/);
    expect(sim.objects.size).toBe(0);
    const wrong = withConfig({ secretAccessKey: 'wrong-secret' });
    expect(await s3.health!(wrong.ctx() as never)).toMatchObject({ status: 'unhealthy', message: expect.stringContaining('SignatureDoesNotMatch') });
  });

  it('keeps the secret key out of the operation log', async () => {
    await h.executor.execute(h.integration.name, 'upload', { path: file('l.txt', 'l'), destination: 'l.txt' });
    const rows = JSON.stringify(await h.store.logs.query({}));
    expect(rows).toContain('l.txt');
    expect(rows).not.toContain(sim.credentials.secretAccessKey);
  });

  it('addresses AWS virtual-hosted by default, path-style for custom endpoints and dotted buckets', () => {
    const aws = s3.config.parse({ bucket: 'acme-files', region: 'eu-west-1', accessKeyId: 'A', secretAccessKey: 'S' });
    expect(s3Url(aws, 'a b/c.txt').toString()).toBe('https://acme-files.s3.eu-west-1.amazonaws.com/a%20b/c.txt');
    expect(s3Url(aws, undefined, { 'list-type': '2', prefix: 'a b' }).toString()).toBe('https://acme-files.s3.eu-west-1.amazonaws.com/?list-type=2&prefix=a%20b');
    const dotted = s3.config.parse({ bucket: 'files.acme.com', accessKeyId: 'A', secretAccessKey: 'S' });
    expect(s3Url(dotted, 'x').toString()).toBe('https://s3.us-east-1.amazonaws.com/files.acme.com/x');
    const minio = s3.config.parse({ bucket: 'b12', accessKeyId: 'A', secretAccessKey: 'S', baseUrl: 'http://minio.local:9000' });
    expect(s3Url(minio, 'k').toString()).toBe('http://minio.local:9000/b12/k');
  });

  describe('multipart upload', () => {
    /** 11 MiB of varied bytes: two 5 MiB parts and a 1 MiB last one with the smallest settings. */
    const big = Buffer.alloc(11 * MIB);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32LE((i * 2654435761) >>> 0, i);
    const md5 = (b: Buffer) => createHash('md5').update(b).digest();
    const smallParts = () => withConfig({ multipartThresholdBytes: 5 * MIB, partSizeBytes: 5 * MIB });
    const multipartPath = `/${'sim-bucket'}/big/file.bin`;

    it('sends a file above the threshold in parts, each with its Content-MD5 and signed payload hash, and completes it', async () => {
      const t = smallParts();
      const out = await t.run('upload', { path: file('big.bin', big), destination: 'big/file.bin', contentType: 'application/x-test' });
      const partMd5s = [big.subarray(0, 5 * MIB), big.subarray(5 * MIB, 10 * MIB), big.subarray(10 * MIB)].map(md5);
      const etag = `${createHash('md5').update(Buffer.concat(partMd5s)).digest('hex')}-3`;
      expect(out).toEqual({ key: 'big/file.bin', size: big.length, sha256: sha256(big), etag, parts: 3 });
      const calls = sim.received(multipartPath);
      expect(calls.map((r) => `${r.method} ${Object.keys(r.query).sort().join(',')}`)).toEqual([
        'POST uploads',
        'PUT partNumber,uploadId',
        'PUT partNumber,uploadId',
        'PUT partNumber,uploadId',
        'POST uploadId',
      ]);
      const parts = calls.filter((r) => r.method === 'PUT');
      expect(parts.map((r) => r.query.partNumber)).toEqual(['1', '2', '3']);
      expect(parts.map((r) => r.headers['content-md5'])).toEqual(partMd5s.map((m) => m.toString('base64')));
      expect(parts[2].headers['x-amz-content-sha256']).toBe(sha256(big.subarray(10 * MIB)));
      expect(parts.map((r) => r.headers['content-length'])).toEqual([String(5 * MIB), String(5 * MIB), String(MIB)]);
      expect(calls[4].text).toContain('<Part><PartNumber>3</PartNumber><ETag>');
      expect(sim.contentOf('big/file.bin')?.equals(big)).toBe(true);
      expect(sim.objects.get('big/file.bin')).toMatchObject({ size: big.length, contentType: 'application/x-test', etag });
      expect(sim.multipart.pending.size).toBe(0);
      // The object streams back from the part files, checked against its length.
      const back = await t.run('download', { source: 'big/file.bin', path: join(dir, 'back.bin') });
      expect(back).toMatchObject({ size: big.length, sha256: sha256(big) });
      expect(readFileSync(back.path).equals(big)).toBe(true);
    });

    it('keeps a file at or below the threshold to one PutObject', async () => {
      const t = withConfig({ multipartThresholdBytes: 11 * MIB, partSizeBytes: 5 * MIB });
      expect(await t.run('upload', { path: file('b.bin', big), destination: 'big/file.bin' })).not.toHaveProperty('parts');
      expect(sim.received(multipartPath).map((r) => r.method)).toEqual(['PUT']);
    });

    it('a part that keeps failing aborts the upload on every attempt: nothing is left at the store', async () => {
      const t = smallParts();
      sim.failPart(2);
      const out = await t.executor.execute(t.integration.name, 'upload', { path: file('big.bin', big), destination: 'big/file.bin' });
      if (out.ok) throw new Error('expected the upload to fail');
      expect(out.attempts).toBe(3);
      expect(out.error).toMatchObject({ category: 'SERVER_ERROR', provider: { status: 500, code: 'InternalError' } });
      const calls = sim.received(multipartPath);
      const aborts = calls.filter((r) => r.method === 'DELETE');
      expect(aborts).toHaveLength(3);
      // Each attempt aborted its own upload, after its part 2 failed.
      const created = calls.filter((r) => r.method === 'POST' && 'uploads' in r.query).length;
      expect(created).toBe(3);
      expect(new Set(aborts.map((r) => r.query.uploadId)).size).toBe(3);
      expect(calls.some((r) => r.method === 'POST' && 'uploadId' in r.query)).toBe(false);
      expect(sim.multipart.pending.size).toBe(0);
      expect(sim.objects.size).toBe(0);
      expect(sim.partsOnDisk).toBe(0);
    });

    it('picks a part size that fits S3\'s 10,000 parts', () => {
      expect(partSizeFor(11 * MIB, 5 * MIB)).toBe(5 * MIB);
      const tib = 1024 * 1024 * MIB;
      const part = partSizeFor(tib, 8 * MIB);
      expect(part % MIB).toBe(0);
      expect(Math.ceil(tib / part)).toBeLessThanOrEqual(MAX_PARTS);
      expect(Math.ceil(tib / (part - MIB))).toBeGreaterThan(MAX_PARTS);
      expect(s3.config.safeParse({ ...sim.config, partSizeBytes: 4 * MIB }).success).toBe(false);
      expect(s3.config.parse(sim.config)).toMatchObject({ multipartThresholdBytes: 8 * MIB, partSizeBytes: 8 * MIB });
    });

    describe('the simulator answers the multipart API as S3 does', () => {
      const signed = async (method: string, path: string, body = '', headers: Record<string, string> = {}) => {
        const req = await new AwsV4Signer({
          method,
          url: `${sim.url}${path}`,
          body,
          headers: { ...headers, 'x-amz-content-sha256': sha256(body) },
          accessKeyId: sim.credentials.accessKeyId,
          secretAccessKey: sim.credentials.secretAccessKey,
          service: 's3',
          region: 'us-east-1',
          datetime: '20260101T000000Z',
        }).sign();
        const res = await fetch(req.url, { method, headers: req.headers, body: method === 'GET' || method === 'HEAD' ? undefined : body });
        return { status: res.status, text: await res.text(), etag: res.headers.get('etag') ?? '' };
      };
      const complete = (parts: [number, string][]) =>
        `<CompleteMultipartUpload>${parts.map(([n, e]) => `<Part><PartNumber>${n}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;

      it('InitiateMultipartUploadResult, part ETags, EntityTooSmall, InvalidPart, InvalidPartOrder, NoSuchUpload', async () => {
        const init = await signed('POST', '/sim-bucket/m.bin?uploads=');
        expect(init.status).toBe(200);
        const uploadId = /<UploadId>(.+)<\/UploadId>/.exec(init.text)?.[1] as string;
        expect(init.text).toContain('<InitiateMultipartUploadResult');
        const one = await signed('PUT', `/sim-bucket/m.bin?partNumber=1&uploadId=${uploadId}`, 'small');
        const two = await signed('PUT', `/sim-bucket/m.bin?partNumber=2&uploadId=${uploadId}`, 'last');
        expect(one).toMatchObject({ status: 200, etag: `"${createHash('md5').update('small').digest('hex')}"` });
        expect((await signed('POST', `/sim-bucket/m.bin?uploadId=${uploadId}`, complete([[1, one.etag], [2, two.etag]]))).text).toContain('<Code>EntityTooSmall</Code>');
        expect((await signed('POST', `/sim-bucket/m.bin?uploadId=${uploadId}`, complete([[1, '"0000"']]))).text).toContain('<Code>InvalidPart</Code>');
        expect((await signed('POST', `/sim-bucket/m.bin?uploadId=${uploadId}`, complete([[2, two.etag], [1, one.etag]]))).text).toContain('<Code>InvalidPartOrder</Code>');
        // A single part may be small: it is the last.
        const done = await signed('POST', `/sim-bucket/m.bin?uploadId=${uploadId}`, complete([[2, two.etag]]));
        expect(done.text).toContain('<CompleteMultipartUploadResult');
        expect(sim.contentOf('m.bin')?.toString()).toBe('last');
        // The unused part went with the completion; the upload is gone.
        expect(sim.partsOnDisk).toBe(1);
        const gone = await signed('PUT', `/sim-bucket/m.bin?partNumber=3&uploadId=${uploadId}`, 'x');
        expect(gone).toMatchObject({ status: 404 });
        expect(gone.text).toContain('<Code>NoSuchUpload</Code>');
        expect((await signed('GET', '/sim-bucket/m.bin')).text).toBe('last');
        expect((await signed('PUT', `/sim-bucket/m.bin?partNumber=1&uploadId=nope`, 'x')).text).toContain('<Code>NoSuchUpload</Code>');
        await signed('DELETE', '/sim-bucket/m.bin');
        expect(sim.partsOnDisk).toBe(0);
      });
    });
  });

  describe('download checks', () => {
    it('a body that does not match the object\'s ETag is refused, and the destination is left as it was', async () => {
      sim.put('data/r.csv', 'id,amount\n1,250\n');
      const destination = file('r.csv', 'the old copy');
      // The store now serves other bytes under the same ETag and length (a garbled transfer).
      const stored = sim.objects.get('data/r.csv')!;
      stored.body = Buffer.from('id,amount\n1,999\n');
      const err = await failure(h.run('download', { source: 'data/r.csv', path: destination }));
      expect(err).toMatchObject({ category: 'SERVER_ERROR', provider: { code: 'ChecksumMismatch' } });
      expect(err.message).toMatch(/does not match what the provider lists: the body's MD5 [0-9a-f]{32} is not the listed [0-9a-f]{32}; nothing was written/);
      expect(readFileSync(destination, 'utf8')).toBe('the old copy');
      expect(readdirSync(dir).filter((n) => n.endsWith('.part'))).toEqual([]);
      const fresh = join(dir, 'fresh', 'r.csv');
      stored.body = Buffer.from('id,amount\n1,2500\n');
      expect((await failure(h.run('download', { source: 'data/r.csv', path: fresh }))).provider?.code).toBe('ChecksumMismatch');
      expect(existsSync(fresh)).toBe(false);
    });

    it('refuses to write over a folder before anything is sent', async () => {
      sim.put('x', 'x');
      writeFileSync(join(dir, 'keep'), '');
      expect(await failure(h.run('download', { source: 'x', path: dir }))).toMatchObject({ category: 'VALIDATION_FAILED', requestSent: false });
      expect(sim.requests).toHaveLength(0);
    });
  });
});

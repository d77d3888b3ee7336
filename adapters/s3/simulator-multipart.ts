import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseXml } from './xml.js';

/**
 * The multipart uploads of the S3 simulator (docs.aws.amazon.com AmazonS3
 * API_CreateMultipartUpload, API_UploadPart, API_CompleteMultipartUpload,
 * API_AbortMultipartUpload): parts live as files in the simulator's data
 * folder, never in memory, so a test can push gigabytes through it.
 */
export interface StoredPart {
  file: string;
  size: number;
  /** Hex MD5 of the part, its ETag. */
  md5: string;
}

export interface PendingUpload {
  bucket: string;
  key: string;
  contentType: string;
  parts: Map<number, StoredPart>;
}

/** What S3 answers when CompleteMultipartUpload cannot go ahead. */
export interface MultipartRefusal {
  status: number;
  code: string;
  message: string;
}

const MIN_PART_BYTES = 5 * 1024 * 1024;

export class MultipartUploads {
  readonly pending = new Map<string, PendingUpload>();
  private counter = 0;
  /** Made on the first part, so a simulator that never takes one leaves nothing on disk. */
  private dataDir?: string;

  /** How many part files are on disk now (read from the folder, not from what the simulator believes). */
  filesOnDisk(): number {
    return this.dataDir ? readdirSync(this.dataDir).length : 0;
  }

  /** Deletes every part file, of pending uploads and of the objects made of them. */
  removeAll(): void {
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
    this.dataDir = undefined;
    this.pending.clear();
  }

  create(bucket: string, key: string, contentType: string): string {
    const uploadId = `sim-upload-${++this.counter}-${createHash('sha256').update(`${bucket}/${key}/${this.counter}`).digest('base64url').slice(0, 24)}`;
    this.pending.set(uploadId, { bucket, key, contentType, parts: new Map() });
    return uploadId;
  }

  /** Writes a part to disk (replacing one uploaded before with the same number, as S3 does); answers its ETag. */
  putPart(upload: PendingUpload, uploadId: string, partNumber: number, body: Buffer): string {
    this.dataDir ??= mkdtempSync(join(tmpdir(), 'integrations-s3-sim-'));
    const file = join(this.dataDir, `${uploadId}.${partNumber}`);
    writeFileSync(file, body);
    const md5 = createHash('md5').update(body).digest('hex');
    upload.parts.set(partNumber, { file, size: body.length, md5 });
    return md5;
  }

  abort(uploadId: string): void {
    const upload = this.pending.get(uploadId);
    if (!upload) return;
    for (const part of upload.parts.values()) rmSync(part.file, { force: true });
    this.pending.delete(uploadId);
  }

  /**
   * The parts a CompleteMultipartUpload body names, in order, checked as S3
   * checks them; on success the upload is no longer pending and the parts it
   * did not name are deleted.
   */
  complete(uploadId: string, xml: string): { parts: StoredPart[]; etag: string } | MultipartRefusal {
    const upload = this.pending.get(uploadId) as PendingUpload;
    const root = parseXml(xml).CompleteMultipartUpload as { Part?: unknown } | undefined;
    const listed = root && typeof root === 'object' ? (Array.isArray(root.Part) ? root.Part : root.Part === undefined ? [] : [root.Part]) : undefined;
    if (!listed || listed.length === 0) return { status: 400, code: 'MalformedXML', message: 'The XML you provided was not well-formed or did not validate against our published schema.' };
    const chosen: StoredPart[] = [];
    let previous = 0;
    for (const item of listed as { PartNumber?: unknown; ETag?: unknown }[]) {
      const number = Number(item?.PartNumber);
      const etag = typeof item?.ETag === 'string' ? item.ETag.replace(/^"|"$/g, '') : '';
      if (!Number.isInteger(number) || number <= previous) return { status: 400, code: 'InvalidPartOrder', message: 'The list of parts was not in ascending order. The parts list must be specified in order by part number.' };
      previous = number;
      const part = upload.parts.get(number);
      if (!part || part.md5 !== etag) {
        return { status: 400, code: 'InvalidPart', message: "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag." };
      }
      chosen.push(part);
    }
    if (chosen.slice(0, -1).some((p) => p.size < MIN_PART_BYTES)) return { status: 400, code: 'EntityTooSmall', message: 'Your proposed upload is smaller than the minimum allowed object size.' };
    for (const part of upload.parts.values()) if (!chosen.includes(part)) rmSync(part.file, { force: true });
    this.pending.delete(uploadId);
    // S3's multipart ETag: the MD5 of the parts' binary MD5s, then "-" and the number of parts.
    const etag = `${createHash('md5').update(Buffer.concat(chosen.map((p) => Buffer.from(p.md5, 'hex')))).digest('hex')}-${chosen.length}`;
    return { parts: chosen, etag };
  }
}

import { XMLParser } from 'fast-xml-parser';

/**
 * S3 answers in XML. Text stays text (a key "0001" must not become the
 * number 1), and Contents is always a list, even with one object.
 */
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: true,
  isArray: (_name, jpath) => jpath === 'ListBucketResult.Contents',
});

export function parseXml(text: string): Record<string, unknown> {
  try {
    const parsed = parser.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export interface S3ErrorBody {
  Code?: string;
  Message?: string;
  RequestId?: string;
  Key?: string;
  BucketName?: string;
  ArgumentName?: string;
  Region?: string;
}

export function parseErrorBody(text: string): S3ErrorBody {
  if (!text.trimStart().startsWith('<')) return {};
  const error = parseXml(text).Error;
  return error && typeof error === 'object' ? (error as S3ErrorBody) : {};
}

export interface ListedObject {
  Key: string;
  Size: string;
  LastModified: string;
  ETag?: string;
}

export interface ListPage {
  contents: ListedObject[];
  isTruncated: boolean;
  nextContinuationToken?: string;
}

export function parseListPage(text: string): ListPage | undefined {
  const result = parseXml(text).ListBucketResult as { Contents?: ListedObject[]; IsTruncated?: string; NextContinuationToken?: string } | undefined;
  if (!result || typeof result !== 'object') return undefined;
  return { contents: result.Contents ?? [], isTruncated: result.IsTruncated === 'true', ...(result.NextContinuationToken ? { nextContinuationToken: result.NextContinuationToken } : {}) };
}

/** CreateMultipartUpload's answer: `<InitiateMultipartUploadResult><Bucket/><Key/><UploadId/></InitiateMultipartUploadResult>`. */
export function parseUploadId(text: string): string | undefined {
  const result = parseXml(text).InitiateMultipartUploadResult as { UploadId?: unknown } | undefined;
  return result && typeof result === 'object' && typeof result.UploadId === 'string' && result.UploadId ? result.UploadId : undefined;
}

/** CompleteMultipartUpload's answer; S3 may send an `<Error>` with status 200 once it has started to answer, so the caller checks for one first. */
export function parseCompleted(text: string): { etag?: string } | undefined {
  const result = parseXml(text).CompleteMultipartUploadResult as { ETag?: unknown } | undefined;
  if (!result || typeof result !== 'object') return undefined;
  return typeof result.ETag === 'string' ? { etag: result.ETag } : {};
}

/** The body of a CompleteMultipartUpload request: every part, in order, with the ETag S3 gave it. */
export function completeMultipartXml(parts: { partNumber: number; etag: string }[]): string {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const items = parts.map((p) => `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>${escape(p.etag)}</ETag></Part>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${items}</CompleteMultipartUpload>`;
}

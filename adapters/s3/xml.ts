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

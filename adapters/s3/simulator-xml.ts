/** S3's XML answers, as the simulator writes them. */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';

export function errorXml(code: string, message: string, requestId: string, extra: Record<string, string> = {}): string {
  const fields = Object.entries(extra)
    .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
    .join('');
  return `${HEAD}<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>${fields}<RequestId>${requestId}</RequestId><HostId>${Buffer.from(requestId).toString('base64')}</HostId></Error>`;
}

export interface ListEntry {
  key: string;
  size: number;
  lastModified: number;
  etag: string;
}

export function listXml(bucket: string, options: { prefix: string; maxKeys: number; encodeKeys: boolean; continuationToken?: string; startAfter?: string; nextToken?: string }, entries: ListEntry[]): string {
  const enc = (s: string) => xmlEscape(options.encodeKeys ? encodeURIComponent(s).replace(/%20/g, '+') : s);
  const contents = entries
    .map((e) => `<Contents><Key>${enc(e.key)}</Key><LastModified>${new Date(e.lastModified).toISOString()}</LastModified><ETag>&quot;${e.etag}&quot;</ETag><Size>${e.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`)
    .join('');
  return (
    `${HEAD}<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
    `<Name>${xmlEscape(bucket)}</Name><Prefix>${enc(options.prefix)}</Prefix><KeyCount>${entries.length}</KeyCount><MaxKeys>${options.maxKeys}</MaxKeys>` +
    (options.encodeKeys ? '<EncodingType>url</EncodingType>' : '') +
    `<IsTruncated>${options.nextToken ? 'true' : 'false'}</IsTruncated>` +
    contents +
    (options.continuationToken ? `<ContinuationToken>${xmlEscape(options.continuationToken)}</ContinuationToken>` : '') +
    (options.nextToken ? `<NextContinuationToken>${xmlEscape(options.nextToken)}</NextContinuationToken>` : '') +
    (options.startAfter ? `<StartAfter>${enc(options.startAfter)}</StartAfter>` : '') +
    '</ListBucketResult>'
  );
}

export function initiateMultipartXml(bucket: string, key: string, uploadId: string): string {
  return `${HEAD}<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${xmlEscape(uploadId)}</UploadId></InitiateMultipartUploadResult>`;
}

export function completeMultipartResultXml(location: string, bucket: string, key: string, etag: string): string {
  return `${HEAD}<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Location>${xmlEscape(location)}</Location><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><ETag>&quot;${etag}&quot;</ETag></CompleteMultipartUploadResult>`;
}

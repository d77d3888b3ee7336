import { randomBytes } from 'node:crypto';

/**
 * A multipart/related body for Drive's uploadType=multipart: the JSON
 * metadata part, then the media part (developers.google.com/drive/api/guides/manage-uploads).
 */
export function multipartRelated(metadata: Record<string, unknown>, media: Buffer, mediaType: string): { body: Buffer; contentType: string } {
  let boundary: string;
  do boundary = `integrations-${randomBytes(16).toString('hex')}`;
  while (media.includes(boundary));
  const head = Buffer.from(`--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(metadata)}\r\n--${boundary}\r\nContent-Type: ${mediaType}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { body: Buffer.concat([head, media, tail]), contentType: `multipart/related; boundary=${boundary}` };
}

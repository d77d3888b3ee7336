/** Reads a multipart/related upload body: the JSON metadata part and the media part. */
export function parseMultipartRelated(body: Buffer, contentType: string): { metadata: Record<string, unknown>; media: Buffer; mediaType: string } | undefined {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!/^multipart\/related/i.test(contentType) || !boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) return undefined;
    // Each part runs from after the delimiter's CRLF to the CRLF before the next delimiter.
    parts.push(body.subarray(start + 2, next - 2));
    at = next;
  }
  if (parts.length !== 2) return undefined;
  const split = (part: Buffer) => {
    const end = part.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const headers = part.subarray(0, end).toString('utf8');
    return { type: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? '', content: part.subarray(end + 4) };
  };
  const meta = split(parts[0]);
  const media = split(parts[1]);
  if (!meta || !media || !/^application\/json/i.test(meta.type)) return undefined;
  try {
    const metadata = JSON.parse(meta.content.toString('utf8')) as unknown;
    if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) return undefined;
    return { metadata: metadata as Record<string, unknown>, media: media.content, mediaType: media.type || 'application/octet-stream' };
  } catch {
    return undefined;
  }
}

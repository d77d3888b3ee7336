import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { ok: true; body: Buffer }
  /** too-large: refused at the declared Content-Length or as soon as the count passed the limit. */
  | { ok: false; reason: 'too-large' | 'aborted'; received: number };

/**
 * Reads a request body up to `maxBytes`, never holding more: a declared
 * Content-Length over the limit is refused before reading anything, and a
 * chunked body is dropped as soon as it passes the limit.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.resolve({ ok: false, reason: 'too-large', received: Number(declared) });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        chunks.length = 0;
        // Stop reading: the 413 goes out with Connection: close and the socket is dropped.
        req.pause();
        finish({ ok: false, reason: 'too-large', received: size });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish({ ok: true, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size) });
    const onAbort = () => finish({ ok: false, reason: 'aborted', received: size });
    const onClose = () => {
      if (!req.complete) onAbort();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    // Stays attached after we are done: a reset arriving later must not become an uncaught error.
    req.on('error', onAbort);
    req.on('close', onClose);
  });
}

import { createHash } from 'node:crypto';

/**
 * The id a delivery is de-duplicated on when its scheme signs no id: a digest
 * of exactly what the signature covers. A delivery-id header beside a
 * body-only signature (GitHub's X-GitHub-Delivery, Razorpay's
 * X-Razorpay-Event-Id) is not signed, so a captured request re-sent with a
 * fresh id would otherwise be processed again. The window is the store's:
 * ids are unique per integration for as long as the event is kept.
 */
export function contentId(signed: ReadonlyArray<string | Buffer>): string {
  const hash = createHash('sha256');
  for (const part of signed) hash.update(part);
  return `sha256:${hash.digest('hex')}`;
}

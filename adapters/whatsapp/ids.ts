import { randomBytes } from 'node:crypto';

/**
 * A wamid: "wamid." and base64 of a protobuf-like blob that embeds the
 * recipient (observed shape, e.g. wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTND…).
 */
export function wamid(to: string): string {
  const blob = Buffer.concat([Buffer.from([0x1c, 0x18, to.length]), Buffer.from(to), Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, 0x12]), Buffer.from(randomBytes(9).toString('hex').toUpperCase())]);
  return `wamid.${blob.toString('base64')}`;
}

import { secretDigest, secretEquals } from '../webhooks/verify/constant-time.js';

export type HandshakeResult =
  | { ok: true; challenge: string }
  | { ok: false; status: number; reason: 'not-a-handshake' | 'bad-verify-token' | 'bad-challenge' };

/** Challenges are short numbers in practice; anything long is refused rather than echoed. */
const MAX_CHALLENGE = 512;

/**
 * Meta's subscription handshake (WhatsApp Cloud API, Messenger): GET with
 * hub.mode=subscribe, hub.verify_token and hub.challenge; when the token is
 * the integration's `webhook.verifyToken`, answer 200 with the challenge as
 * the body, otherwise 403.
 */
export function metaHandshake(query: Record<string, string>, verifyToken: string): HandshakeResult {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (mode === undefined && token === undefined && challenge === undefined) return { ok: false, status: 400, reason: 'not-a-handshake' };
  if (mode !== 'subscribe' || !token || !secretEquals(token, secretDigest(verifyToken))) return { ok: false, status: 403, reason: 'bad-verify-token' };
  if (!challenge || challenge.length > MAX_CHALLENGE) return { ok: false, status: 400, reason: 'bad-challenge' };
  return { ok: true, challenge };
}

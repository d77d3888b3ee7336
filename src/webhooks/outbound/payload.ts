import { randomBytes } from 'node:crypto';
import type { StoredEvent } from '../../store/webhook-types.js';

/** The body a subscriber receives, in the shape Standard Webhooks recommends. */
export interface OutboundBody {
  type: string;
  /** ISO 8601: when the event occurred (as the provider said), else when we stored it. */
  timestamp: string;
  /** The event's data, with the integration it came from and the provider's id for it. */
  data: Record<string, unknown>;
}

function occurred(event: StoredEvent): string {
  const at = event.occurredAt === null ? Number.NaN : Date.parse(event.occurredAt);
  return new Date(Number.isNaN(at) ? event.createdAt : at).toISOString();
}

export function outboundBody(event: StoredEvent): OutboundBody {
  return {
    type: event.type,
    timestamp: occurred(event),
    data: { integration: event.integration, externalId: event.externalId, ...event.data },
  };
}

/** Crockford base32: 32 symbols, so every byte maps without bias. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A webhook-id: unique per delivery and kept across its retries and
 * redeliveries. Random rather than derived from the event id, so a store
 * started afresh never reuses an id a receiver has already seen.
 */
export function newMessageId(): string {
  const bytes = randomBytes(20);
  let id = 'msg_';
  for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
  return id;
}

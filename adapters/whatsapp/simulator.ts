import { randomBytes } from 'node:crypto';
import type { SimulatorOptions } from '../../src/core/adapter.js';
import { ProviderSimulator } from '../../src/core/provider-simulator.js';
import { deliverCallback, type PostedCallback, type SimReply, type SimRequest } from '../../src/core/simulator.js';
import { hubSignatures } from './signature.js';
import { wamid } from './ids.js';
import { inboundWebhook, statusWebhook, type StatusFields } from './payloads.js';
import { graphFailure, sendProblem, type GraphErrorReply, type Templates } from './simulator-checks.js';

/**
 * A local WhatsApp Cloud API: Bearer tokens, send (text and template) with
 * wamid ids, the phone number lookup, Graph's error bodies, and the
 * webhooks Meta POSTs to the app's callback URL, signed with the app
 * secret: statuses sent -> delivered -> read (or failed) for every message,
 * and inbound messages on demand.
 */
export interface WhatsappSimulatorOptions extends SimulatorOptions {
  /** Wait (on the clock) before each status webhook. */
  callbackDelayMs?: number;
  /** false: statuses are posted only when advance() is called. */
  autoDeliver?: boolean;
  /** Stop at delivered instead of going on to read. */
  stopAtDelivered?: boolean;
  qualityRating?: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
  /** Refuse a second message to the same user within 6 s (code 131056), as Meta does. */
  pairRateLimit?: boolean;
  templates?: Templates;
}

export interface FailedDelivery {
  code: number;
  title: string;
}

export type PostedWebhook = PostedCallback;

interface SimMessage {
  id: string;
  to: string;
  type: string;
  status: 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';
  failure?: FailedDelivery;
  category: 'utility' | 'marketing' | 'service';
}

const PAIR_WINDOW_MS = 6_000;

export class WhatsappSimulator extends ProviderSimulator {
  readonly messages = new Map<string, SimMessage>();
  readonly webhooks: PostedWebhook[] = [];
  readonly credentials = {
    accessToken: `EAAG${randomBytes(24).toString('base64url')}`,
    phoneNumberId: String(100_000_000_000_000 + (randomBytes(4).readUInt32BE() % 900_000_000)),
    wabaId: String(100_000_000_000_000 + (randomBytes(4).readUInt32BE() % 900_000_000)),
    displayPhoneNumber: '15550001234',
    appSecret: randomBytes(16).toString('hex'),
    verifyToken: `verify-${randomBytes(8).toString('hex')}`,
  };
  /** Webhook settings for the integration receiving this simulator's webhooks. */
  webhook: { scheme: string; secrets: string[]; verifyToken: string } = { scheme: 'meta', secrets: [], verifyToken: '' };

  private readonly failures: FailedDelivery[] = [];
  private readonly lastToUser = new Map<string, number>();
  private readonly templates: Templates;
  private tokenRevoked = false;
  private stallsAfterAccept = 0;
  private callbackUrl = '';

  constructor(private readonly options: WhatsappSimulatorOptions = {}) {
    super(options);
    this.templates = options.templates ?? { hello_world: ['en_US'], order_update: ['en_US', 'sw'] };
    this.server
      .route('POST', '/:version/:phoneNumberId/messages', (req) => this.send(req))
      .route('GET', '/:version/:phoneNumberId', (req) => this.phoneNumber(req))
      // Where webhooks go when no receiver was named, so `simulate` works on its own.
      .route('POST', '/simulator/callbacks', () => ({ status: 200, body: '' }));
  }

  protected onListening(url: string): void {
    this.callbackUrl = this.options.callbackUrl ?? `${url}/simulator/callbacks`;
    const { accessToken, phoneNumberId, appSecret, verifyToken } = this.credentials;
    this.config = { accessToken, phoneNumberId, apiVersion: 'v21.0', baseUrl: url };
    this.webhook = { scheme: 'meta', secrets: [appSecret], verifyToken };
  }

  /** The next messages fail after being sent (131026 undeliverable, 131047 outside the 24 h window…), in order. */
  queueFailure(...failures: FailedDelivery[]): this {
    this.failures.push(...failures);
    return this;
  }

  /** The next `times` sends are taken (their statuses follow) but their HTTP answer never comes. */
  acceptThenStall(times = 1): this {
    this.stallsAfterAccept += times;
    return this;
  }

  /** The access token stops working, as when a system user's token is revoked. */
  revokeToken(): void {
    this.tokenRevoked = true;
  }

  /** Moves a message through its remaining statuses, posting a webhook for each. */
  async advance(id: string): Promise<void> {
    const message = this.messages.get(id);
    if (!message) throw new Error(`no message ${id}`);
    const path = message.failure ? (['failed'] as const) : this.options.stopAtDelivered ? (['sent', 'delivered'] as const) : (['sent', 'delivered', 'read'] as const);
    for (const status of path) {
      if (message.status === status || message.status === 'read' || message.status === 'failed') continue;
      if (this.options.callbackDelayMs) await this.clock.sleep(this.options.callbackDelayMs);
      message.status = status;
      await this.post(
        statusWebhook(this.business(), {
          id: message.id,
          status,
          recipientId: message.to,
          timestamp: Math.floor(this.clock.now() / 1000),
          category: message.category,
          ...(status === 'failed' && message.failure ? { errors: [{ ...message.failure, message: message.failure.title, error_data: { details: message.failure.title } }] } : {}),
        }),
      );
    }
  }

  /** A customer writes to the business: Meta posts the inbound message. Returns its wamid. */
  async inbound(from: string, text: string, name = 'Simulated Customer'): Promise<string> {
    const id = wamid(from);
    await this.post(inboundWebhook(this.business(), { id, from, name, text, timestamp: Math.floor(this.clock.now() / 1000) }));
    return id;
  }

  /**
   * What Meta does when the callback URL is saved in the app dashboard: a GET
   * with hub.mode=subscribe, the verify token and a challenge, expecting the
   * challenge echoed with 200. Resolves true when the receiver passed.
   */
  async verifyCallback(verifyToken = this.credentials.verifyToken): Promise<boolean> {
    const challenge = String(randomBytes(4).readUInt32BE());
    const url = new URL(this.callbackUrl);
    url.searchParams.set('hub.mode', 'subscribe');
    url.searchParams.set('hub.verify_token', verifyToken);
    url.searchParams.set('hub.challenge', challenge);
    try {
      const res = await fetch(url);
      return res.status === 200 && (await res.text()) === challenge;
    } catch {
      return false;
    }
  }

  private business() {
    const { wabaId, phoneNumberId, displayPhoneNumber } = this.credentials;
    return { wabaId, phoneNumberId, displayPhoneNumber };
  }

  private async post(payload: Record<string, unknown>): Promise<void> {
    const body = JSON.stringify(payload);
    const headers = { 'content-type': 'application/json', 'user-agent': 'facebookexternalua', ...hubSignatures(this.credentials.appSecret, body) };
    this.webhooks.push(await deliverCallback(this.callbackUrl, body, headers));
  }

  private denied(req: SimRequest): GraphErrorReply | undefined {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return graphFailure(400, 2500, 'An active access token must be used to query information about the current user.');
    if (token !== this.credentials.accessToken) return graphFailure(401, 190, 'Invalid OAuth access token - Cannot parse access token');
    if (this.tokenRevoked) return graphFailure(401, 190, 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.', { subcode: 460 });
    if (!/^v\d+\.\d+$/.test(req.params.version)) return graphFailure(400, 2500, `Unknown path components: /${req.params.version}`);
    if (req.params.phoneNumberId !== this.credentials.phoneNumberId) {
      return graphFailure(400, 100, `Unsupported post request. Object with ID '${req.params.phoneNumberId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { subcode: 33, type: 'GraphMethodException' });
    }
    return undefined;
  }

  private send(req: SimRequest): SimReply | void {
    const denied = this.denied(req);
    if (denied) return denied;
    const body = req.parsed && typeof req.parsed === 'object' ? (req.parsed as Record<string, unknown>) : undefined;
    const problem = sendProblem(body, this.templates);
    if (problem) return problem;
    const to = String(body!.to).replace(/\D/g, '');
    const last = this.lastToUser.get(to);
    if (this.options.pairRateLimit && last !== undefined && this.clock.now() - last < PAIR_WINDOW_MS) {
      return graphFailure(400, 131056, '(#131056) (Business Account, Consumer Account) pair rate limit hit', { details: 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.' });
    }
    this.lastToUser.set(to, this.clock.now());
    const type = String(body!.type ?? 'text');
    const message: SimMessage = { id: wamid(to), to, type, status: 'accepted', failure: this.failures.shift(), category: type === 'template' ? 'utility' : 'service' };
    this.messages.set(message.id, message);
    if (this.options.autoDeliver !== false) this.later(() => this.advance(message.id));
    if (this.stallsAfterAccept > 0) {
      this.stallsAfterAccept--;
      return;
    }
    return {
      body: {
        messaging_product: 'whatsapp',
        contacts: [{ input: String(body!.to), wa_id: to }],
        messages: [{ id: message.id, ...(type === 'template' ? { message_status: 'accepted' } : {}) }],
      },
    };
  }

  private phoneNumber(req: SimRequest): SimReply {
    const denied = this.denied(req);
    if (denied) return denied;
    return {
      body: {
        verified_name: 'Simulated Business',
        display_phone_number: '+1 555-000-1234',
        quality_rating: this.options.qualityRating ?? 'GREEN',
        id: this.credentials.phoneNumberId,
      },
    };
  }
}

export async function startWhatsappSimulator(options: WhatsappSimulatorOptions = {}): Promise<WhatsappSimulator> {
  return new WhatsappSimulator(options).start();
}

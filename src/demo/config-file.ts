import { readFile, writeFile } from 'node:fs/promises';

export const CONFIG_FILE = 'integrations.config.json';

/** Integration names in the demo config; they are also the daemon's webhook paths (/webhooks/<name>). */
export const DEMO = { payments: 'mpesa', sms: 'sms', files: 'files', orders: 'orders' } as const;

export interface DemoConfigInput {
  daemon: { host: string; port: number };
  /** The M-Pesa simulator's config (its credentials, base URL and the callback URLs it was given). */
  mpesa: Record<string, unknown>;
  /** Secret path token the M-Pesa callback URL carries. */
  mpesaToken: string;
  /** The Africa's Talking simulator's config; baseUrl is replaced by smsBaseUrl. */
  sms: Record<string, unknown>;
  smsBaseUrl: string;
  smsToken: string;
  /** Standard Webhooks secret (whsec_…) the orders sender signs with. */
  ordersSecret: string;
}

/**
 * The demo's integrations.config.json, in the same shape a user writes:
 * every integration points at a simulator on loopback, webhooks come to the
 * daemon (unsigned providers with a secret path token, the generic receiver
 * with Standard Webhooks signatures), and time bounds stay short so a
 * failure shows in seconds.
 */
export function demoConfig(input: DemoConfigInput): Record<string, unknown> {
  return {
    store: { path: 'integrations.db' },
    daemon: input.daemon,
    integrations: {
      [DEMO.payments]: {
        adapter: 'mpesa',
        timeoutMs: '5s',
        config: input.mpesa,
        webhook: { secrets: [input.mpesaToken] },
      },
      [DEMO.sms]: {
        adapter: 'africastalking',
        timeoutMs: '5s',
        // A refused connection is retried in-process once, briefly, before it is queued.
        retry: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 200 },
        config: { ...input.sms, baseUrl: input.smsBaseUrl },
        webhook: { secrets: [input.smsToken] },
      },
      [DEMO.files]: {
        adapter: 'local-storage',
        config: { root: 'storage' },
      },
      [DEMO.orders]: {
        adapter: 'webhook',
        // Deliberately the wrong path: this shop names its event type `event`; step 6 fixes it and replays.
        config: { eventTypePath: 'type', requireEventType: true, externalIdPath: 'data.orderId' },
        webhook: { scheme: 'standard-webhooks', secrets: [input.ordersSecret] },
      },
    },
  };
}

/** Readable only by this user: it holds the generated simulator credentials and webhook secrets. */
export async function writeConfigFile(path: string, config: Record<string, unknown>): Promise<void> {
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}

/** Changes the file the way an operator edits it: read, change, write back. */
export async function editConfigFile(path: string, edit: (config: Record<string, any>) => void): Promise<void> {
  const config = JSON.parse(await readFile(path, 'utf8')) as Record<string, any>;
  edit(config);
  await writeConfigFile(path, config);
}

import type { WebhookSettings } from '../../src/config/types.js';
import type { SignInput, SignOutput, VerifyRequest } from '../../src/webhooks/verify/types.js';

/** A fixed clock: 2024-01-15T12:00:00Z. Tests never read the real time. */
export const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);
export const NOW_S = Math.floor(NOW / 1000);

export function settings(scheme: string, secrets: string[], extra: Partial<WebhookSettings> = {}): WebhookSettings {
  return { scheme, secrets, toleranceSeconds: 300, allowIps: [], ...extra };
}

/** The request the daemon would hand over for a signed delivery. */
export function requestFrom(input: SignInput, signed: SignOutput, overrides: Partial<VerifyRequest> = {}): VerifyRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json', host: 'hooks.example.com' };
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
  return {
    method: 'POST',
    path: signed.path ?? input.path ?? '/webhooks/test',
    query: signed.query ?? input.query ?? {},
    headers,
    rawBody: Buffer.from(input.body, 'utf8'),
    sourceIp: '203.0.113.5',
    ...overrides,
  };
}

export function withHeaders(req: VerifyRequest, change: (headers: Record<string, string>) => void): VerifyRequest {
  const headers = { ...req.headers };
  change(headers);
  return { ...req, headers };
}

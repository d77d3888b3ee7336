import type { WebhookSettings } from '../../config/types.js';
import { secretDigest, secretEquals } from './constant-time.js';
import { enumOption, headerName, requireSecrets, stringOption } from './options.js';
import { fail, type SchemeDefinition, type SignInput, type SignOutput, type VerifyRequest, type VerifyResult } from './types.js';

/**
 * A shared secret presented as-is, for providers that sign nothing (M-Pesa,
 * Pesapal, Africa's Talking): in the last path segment of the callback URL
 * (`/webhooks/mpesa/<token>`, the default), in a query parameter, or in a
 * header (`Authorization: Bearer <token>` is understood).
 */
type Location = 'path' | 'query' | 'header';

interface TokenOptions {
  location: Location;
  name: string;
}

function optionsOf(settings: WebhookSettings): TokenOptions {
  const location = enumOption(settings, 'location', ['path', 'query', 'header'] as const, 'path');
  const name = stringOption(settings, 'name');
  if (location === 'header') return { location, name: headerName(name ?? 'x-webhook-token') };
  return { location, name: name ?? 'token' };
}

/**
 * The token segment of `/webhooks/<integration>/<token>`: the last of three
 * or more segments. `/webhooks/<integration>` carries none: its last segment
 * is the integration's name, and taking it for a token would report a
 * callback URL missing its token as a wrong one.
 */
function tokenSegment(path: string): string | undefined {
  const segments = path.split('?')[0].split('/').filter(Boolean);
  if (segments.length < 3) return undefined;
  const segment = segments[segments.length - 1];
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function presented(req: VerifyRequest, options: TokenOptions): string | undefined {
  switch (options.location) {
    case 'path':
      return tokenSegment(req.path);
    case 'query':
      return req.query[options.name] || undefined;
    case 'header': {
      const value = req.headers[options.name];
      if (!value) return undefined;
      return options.name === 'authorization' && /^bearer /i.test(value) ? value.slice(7).trim() : value;
    }
  }
}

export const token: SchemeDefinition = {
  name: 'token',
  needsSecret: true,
  compile(settings) {
    const options = optionsOf(settings);
    const digests = requireSecrets(settings).map(secretDigest);
    return (req): VerifyResult => {
      const value = presented(req, options);
      if (!value) return fail('missing-token');
      let match = false;
      for (const digest of digests) match = secretEquals(value, digest) || match;
      return match ? { ok: true } : fail('bad-token');
    };
  },
  carriers(settings) {
    const { location, name } = optionsOf(settings);
    return location === 'header' ? { headers: [name] } : location === 'query' ? { query: [name] } : {};
  },
  sign(settings, input: SignInput): SignOutput {
    const options = optionsOf(settings);
    const secret = requireSecrets(settings)[0];
    switch (options.location) {
      case 'path':
        return { headers: {}, path: `${(input.path ?? '').replace(/\/+$/, '')}/${encodeURIComponent(secret)}` };
      case 'query':
        return { headers: {}, query: { ...input.query, [options.name]: secret } };
      case 'header':
        return { headers: { [options.name]: options.name === 'authorization' ? `Bearer ${secret}` : secret } };
    }
  },
};

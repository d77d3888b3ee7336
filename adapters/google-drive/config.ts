import { z } from 'zod';
import { secret } from '../../src/core/fields.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** Drive v3 and Google's OAuth token endpoint (providers.md §9). There is no sandbox. */
export const DRIVE_BASE_URLS = { production: 'https://www.googleapis.com' } as const;
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

export const driveConfigSchema = z.object({
  clientId: z.string().min(1).describe('OAuth client id (Google Cloud console > Credentials)'),
  clientSecret: secret(z.string().min(1), 'OAuth client secret'),
  refreshToken: secret(z.string().min(1), 'Refresh token granted for the Drive scope (offline access)'),
  folderId: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a Drive folder id (the part after /folders/ in its URL) or "root"')
    .default('root')
    .describe('Folder the stored files live in; keys are file names inside it ("root" is My Drive)'),
  maxListPages: z
    .int()
    .min(1)
    .max(100_000)
    .default(100)
    .describe('Most pages one listing follows before it stops with an error (default 100: 100,000 files at 1,000 a page); guards against a server that never stops paging'),
  baseUrl: httpUrl.optional().describe('Overrides the Drive API host (simulator, proxy)'),
  tokenUrl: httpUrl.optional().describe(`Overrides the OAuth token endpoint (${GOOGLE_TOKEN_URL})`),
});

export type DriveConfig = z.output<typeof driveConfigSchema>;

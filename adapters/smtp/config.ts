import { z } from 'zod';
import { secret } from '../../src/core/fields.js';

export const mailbox = z.union([z.email(), z.object({ email: z.email(), name: z.string().min(1).optional() })]);
export type Mailbox = z.output<typeof mailbox>;

/**
 * Any SMTP submission server. Port 587 with STARTTLS (required by default:
 * credentials never cross in clear), or 465 with `secure` (implicit TLS).
 * SMTP has no sandbox/production hosts: the host is the environment.
 */
export const smtpConfigSchema = z
  .object({
    host: z.string().min(1).describe('SMTP server host name or address'),
    port: z.int().min(1).max(65_535).default(587),
    secure: z.boolean().default(false).describe('Implicit TLS from the first byte (port 465); otherwise STARTTLS'),
    requireTLS: z.boolean().default(true).describe('Refuse to continue when the server does not offer STARTTLS'),
    user: z.string().min(1).optional().describe('AUTH user name (AUTH PLAIN or LOGIN, after TLS)'),
    password: secret(z.string().min(1), 'AUTH password').optional(),
    from: mailbox.describe('Default sender, as an address or {email, name}'),
    /** EHLO name; defaults to this machine's host name. */
    clientName: z.string().min(1).optional(),
    tlsCa: z.string().includes('-----BEGIN CERTIFICATE-----', { message: 'must be a PEM certificate' }).optional().describe('Extra CA to trust (PEM), for a server with a private or self-signed certificate'),
    tlsServername: z.string().min(1).optional().describe('Name to verify the server certificate against, when host is an address'),
    connectionTimeoutMs: z.int().min(100).default(10_000),
    socketTimeoutMs: z.int().min(100).default(60_000),
  })
  .refine((c) => (c.user === undefined) === (c.password === undefined), { message: 'give user and password together', path: ['password'] });

export type SmtpConfig = z.output<typeof smtpConfigSchema>;

export function toNodemailerAddress(m: Mailbox): { address: string; name: string } | string {
  return typeof m === 'string' ? m : { address: m.email, name: m.name ?? '' };
}

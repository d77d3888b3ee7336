/**
 * Daraja timestamps (the STK Timestamp, TransactionDate in callbacks) are
 * YYYYMMDDHHmmss in Kenyan time, which is UTC+3 all year (no daylight saving).
 */
const EAT_OFFSET_MS = 3 * 60 * 60 * 1000;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function darajaTimestamp(ms: number): string {
  const d = new Date(ms + EAT_OFFSET_MS);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

/** Epoch milliseconds of a Daraja timestamp (string or the number callbacks send); undefined when malformed. */
export function parseDarajaTimestamp(value: unknown): number | undefined {
  const s = typeof value === 'number' || typeof value === 'string' ? String(value) : '';
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se] = m.map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, se) - EAT_OFFSET_MS;
  return Number.isNaN(ms) ? undefined : ms;
}

/** The STK Password: base64(Shortcode + Passkey + Timestamp). A credential: never log it. */
export function stkPassword(shortcode: string, passkey: string, timestamp: string): string {
  return Buffer.from(`${shortcode}${passkey}${timestamp}`, 'utf8').toString('base64');
}

/**
 * Kenyan mobile numbers in the forms people type (07…, 01…, 7…, +254…, 254…,
 * with spaces or dashes) to the MSISDN Daraja wants: 2547XXXXXXXX / 2541XXXXXXXX.
 * Kept here until a second adapter needs it; then it belongs in src/core.
 */
export function toKenyanMsisdn(input: string): string | undefined {
  const digits = input.trim().replace(/[\s\-()]/g, '');
  const m = /^(?:\+?254|0)?([17]\d{8})$/.exec(digits);
  return m ? `254${m[1]}` : undefined;
}

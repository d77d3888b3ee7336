/**
 * Phone numbers in the forms people type (spaces, dashes, brackets), for
 * the adapters that need Kenyan mobile numbers: M-Pesa wants the MSISDN
 * 2547XXXXXXXX / 2541XXXXXXXX, Africa's Talking wants E.164.
 */

function compact(input: string): string {
  return input.trim().replace(/[\s\-()]/g, '');
}

/**
 * A Kenyan mobile number (07…, 01…, +254…, 254…, and the bare 7…/1…
 * subscriber number unless `requirePrefix`) as its MSISDN 2547…/2541….
 */
export function toKenyanMsisdn(input: string, options: { requirePrefix?: boolean } = {}): string | undefined {
  const m = /^(\+?254|0)?([17]\d{8})$/.exec(compact(input));
  if (!m || (options.requirePrefix && m[1] === undefined)) return undefined;
  return `254${m[2]}`;
}

/**
 * E.164 (+<country><number>): international numbers must carry their "+";
 * Kenyan local forms (07…, 01…, 254…) are completed.
 */
export function toE164(input: string): string | undefined {
  const s = compact(input);
  if (/^\+[1-9]\d{7,14}$/.test(s)) return s;
  const msisdn = toKenyanMsisdn(s, { requirePrefix: true });
  return msisdn ? `+${msisdn}` : undefined;
}

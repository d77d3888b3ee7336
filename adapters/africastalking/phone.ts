/**
 * Africa's Talking wants E.164 (+2547…). International numbers must carry
 * their "+"; Kenyan local forms (07…, 01…, 254…) are completed, as the
 * M-Pesa adapter does (adapters/mpesa/phone.ts, to be shared from src/core).
 */
export function toE164(input: string): string | undefined {
  const s = input.trim().replace(/[\s\-()]/g, '');
  if (/^\+[1-9]\d{7,14}$/.test(s)) return s;
  const kenyan = /^(?:254|0)([17]\d{8})$/.exec(s);
  return kenyan ? `+254${kenyan[1]}` : undefined;
}

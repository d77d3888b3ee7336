/**
 * STK ResultCode to our payment status. 0 is paid; 4999 ("still under
 * processing", UNCONFIRMED in providers.md, as reported by integrators) is
 * not final; every other code is a final failure: 1032 cancelled by user,
 * 1037 phone unreachable, 1 insufficient funds, 2001 wrong PIN, 1001
 * subscriber busy, ...
 */
export type StkStatus = 'succeeded' | 'failed' | 'pending';

export function stkStatus(resultCode: string | number): StkStatus {
  const code = String(resultCode).trim();
  if (code === '0') return 'succeeded';
  if (code === '4999') return 'pending';
  return 'failed';
}

import { IntegrationError } from '../errors.js';

/**
 * Providers that take amounts in the currency's smallest unit (Paystack,
 * Razorpay); operations take major units like every payment adapter, so
 * callers can swap providers. Exponents per ISO 4217 for the currencies
 * that differ from two.
 */
const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
const THREE_DECIMAL = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

export function exponent(currency: string): number {
  const c = currency.toUpperCase();
  return ZERO_DECIMAL.has(c) ? 0 : THREE_DECIMAL.has(c) ? 3 : 2;
}

/** Exact conversion, or VALIDATION_FAILED before any request: 10.005 NGN is not an amount. */
export function toMinorUnits(amount: number, currency: string, field = 'amount'): number {
  const scaled = amount * 10 ** exponent(currency);
  const minor = Math.round(scaled);
  if (Math.abs(scaled - minor) > 1e-6 || minor <= 0) {
    throw new IntegrationError('VALIDATION_FAILED', `${field} ${amount} ${currency.toUpperCase()} has more decimal places than the currency allows (${exponent(currency)})`, {
      requestSent: false,
      issues: [`payload.${field}: at most ${exponent(currency)} decimal places for ${currency.toUpperCase()}`],
    });
  }
  return minor;
}

export function fromMinorUnits(minor: number, currency: string): number {
  return Number((minor / 10 ** exponent(currency)).toFixed(exponent(currency)));
}

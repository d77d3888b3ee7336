import { UsageError } from '../../core/usage-error.js';

/** A positive whole-number id from an argument; `what` names it in the error ("subscription id"). */
export function parseId(what: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) throw new UsageError(`${what} must be a positive whole number, got "${value}"`);
  return Number(value);
}

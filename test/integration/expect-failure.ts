import { expect } from 'vitest';
import { IntegrationError } from '../../src/core/errors.js';

/** The IntegrationError a call fails with; the test fails if the call succeeds or throws anything else. */
export async function failure(p: Promise<unknown>): Promise<IntegrationError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(IntegrationError);
    return err as IntegrationError;
  }
  throw new Error('expected the call to fail');
}

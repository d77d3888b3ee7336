import { z } from 'zod';
import { secret } from '../../src/core/fields.js';

/** Failure categories a scripted sequence may name: what a real provider (or the network to it) can do to a call. */
export const SCRIPTED_FAULTS = [
  'ok',
  'NETWORK_ERROR',
  'TIMEOUT',
  'RATE_LIMITED',
  'SERVER_ERROR',
  'AUTHENTICATION_FAILED',
  'INVALID_REQUEST',
  'NOT_FOUND',
  'CONFLICT',
] as const;

export type ScriptedFault = (typeof SCRIPTED_FAULTS)[number];

export const mockConfig = z.object({
  latencyMs: z.number().int().min(0).max(600_000).describe('Simulated provider latency per call, in ms (waits on the injected clock)').default(0),
  failureRate: z.number().min(0).max(1).describe('Probability (0..1) that a call fails with a transient error once the scripted failures are used up').default(0),
  failures: z
    .array(z.enum(SCRIPTED_FAULTS))
    .describe('Scripted outcomes: the Nth call gets the Nth entry ("ok" succeeds); the cursor is kept in the store, so it spans processes')
    .default([]),
  retryAfterMs: z.number().int().min(0).describe('Retry-After given with RATE_LIMITED failures, in ms').default(1000),
  secretKey: secret(z.string().min(1), 'A pretend API key; leaks into authentication errors the way careless SDKs do, to prove redaction').optional(),
  seed: z.number().int().describe('Makes random failures reproducible').optional(),
});

export type MockConfig = z.output<typeof mockConfig>;

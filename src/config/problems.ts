import type { z } from 'zod';
import { IntegrationError } from '../core/errors.js';

/** One thing wrong with a config, at a dotted field path. Messages never carry values. */
export interface Problem {
  path: string;
  message: string;
  /** Set when the problem is an unset environment variable: this one. */
  variable?: string;
}

export type PathSegment = string | number;

/** integrations.mpesa.webhook.secrets[0] */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

/** zod issues as problems under `prefix`; "received undefined" reads as the plainer "Required". */
export function zodProblems(error: z.ZodError, prefix: readonly PathSegment[]): Problem[] {
  const out: Problem[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...(issue.path as PathSegment[])];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: formatPath([...path, key]), message: 'unknown field' });
      continue;
    }
    const message =
      issue.code === 'invalid_type' && / received undefined$/.test(issue.message) ? 'Required' : issue.message;
    out.push({ path: formatPath(path), message });
  }
  return out;
}

/**
 * Replaces every occurrence of a known secret with ***. Problem messages are
 * built without values, but adapters' own refinements may echo their input.
 */
export function scrub(text: string, secrets: Iterable<string>): string {
  let out = text;
  const ordered = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  for (const secretValue of ordered) out = out.split(secretValue).join('***');
  return out;
}

export function configInvalid(file: string, problems: Problem[], secrets: Iterable<string>): IntegrationError {
  const lines = problems.map((p) => scrub(p.path ? `${p.path}: ${p.message}` : p.message, secrets));
  return new IntegrationError('CONFIG_INVALID', `invalid config in ${file}:\n  - ${lines.join('\n  - ')}`, {
    issues: lines,
    details: { path: file },
  });
}

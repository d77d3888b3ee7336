import { lstat, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { z } from 'zod';
import { IntegrationError } from '../../src/core/errors.js';

/**
 * Storage keys are "/"-separated names under the root. Everything that could
 * climb out of the root is refused up front (in the input schema, so a bad
 * key never reaches the disk); symlinks inside the root are checked against
 * the real root before every use.
 */

/** Names the adapter writes for itself (in-flight uploads, health probes): never valid keys, never listed. */
export const RESERVED_PREFIX = '.integrations-';

function keyProblems(value: string, allowTrailingSlash: boolean): string[] {
  const problems: string[] = [];
  if (value.includes('\0')) problems.push('must not contain NUL bytes');
  if (value.includes('\\')) problems.push('must use "/" separators, not "\\"');
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value)) problems.push('must be relative to the storage root, not an absolute path');
  const segments = (allowTrailingSlash && value.endsWith('/') ? value.slice(0, -1) : value).split('/');
  if (segments.some((s) => s === '..')) problems.push('must not contain ".." segments');
  else if (segments.some((s) => s === '.')) problems.push('must not contain "." segments');
  else if (segments.some((s) => s === '') && !value.startsWith('/')) problems.push('must not contain empty segments ("//" or a trailing "/")');
  if (segments.some((s) => s.startsWith(RESERVED_PREFIX))) problems.push(`must not use the reserved "${RESERVED_PREFIX}" prefix`);
  return problems;
}

export const storageKey = z
  .string()
  .min(1)
  .max(1024)
  .superRefine((value, ctx) => {
    for (const message of keyProblems(value, false)) ctx.addIssue({ code: 'custom', message });
  });

export const keyPrefix = z
  .string()
  .max(1024)
  .superRefine((value, ctx) => {
    if (value === '') return;
    for (const message of keyProblems(value, true)) ctx.addIssue({ code: 'custom', message });
  });

export function segmentsOf(key: string): string[] {
  return key.split('/').filter(Boolean);
}

export function within(realRoot: string, candidate: string): boolean {
  return candidate === realRoot || candidate.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
}

function escape(field: string, key: string, why: string): IntegrationError {
  const issue = `payload.${field}: ${why}`;
  return new IntegrationError('VALIDATION_FAILED', `key "${key}" ${why}`, { issues: [issue], requestSent: false });
}

/**
 * The absolute file a key names, after proving that no existing component of
 * it is a symlink leading outside the root. (The root belongs to the operator;
 * this guards against keys and links that would reach past it, not against
 * someone racing to swap links while a call runs.)
 */
export async function resolveKey(realRoot: string, key: string, field: string): Promise<string> {
  const problems = keyProblems(key, false);
  if (problems.length) throw escape(field, key, problems.join('; '));
  let current = realRoot;
  for (const segment of segmentsOf(key)) {
    current = join(current, segment);
    let isLink: boolean;
    try {
      isLink = (await lstat(current)).isSymbolicLink();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // The rest of the key does not exist yet (or runs into a file): nothing below can be a link.
      if (code === 'ENOENT' || code === 'ENOTDIR') return join(realRoot, ...segmentsOf(key));
      throw err;
    }
    if (!isLink) continue;
    let real: string;
    try {
      real = await realpath(current);
    } catch {
      throw escape(field, key, 'goes through a symlink that does not resolve');
    }
    if (!within(realRoot, real)) throw escape(field, key, 'resolves outside the storage root through a symlink');
    current = real;
  }
  return join(realRoot, ...segmentsOf(key));
}

import { z } from 'zod';

/**
 * Object keys for remote stores (s3, google-drive), with the same rules as
 * the local-storage adapter so callers can swap providers: "/"-separated,
 * relative, without "." / ".." or empty segments. The remote stores would
 * take such names, but URL normalisation rewrites dot segments (S3) and the
 * other stores could not hold them.
 */
function keyProblems(value: string, allowTrailingSlash: boolean): string[] {
  const problems: string[] = [];
  if (Buffer.byteLength(value, 'utf8') > 1024) problems.push('must be at most 1024 bytes of UTF-8');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) problems.push('must not contain control characters');
  if (value.includes('\\')) problems.push('must use "/" separators, not "\\"');
  if (value.startsWith('/')) problems.push('must be relative (no leading "/")');
  const segments = (allowTrailingSlash && value.endsWith('/') ? value.slice(0, -1) : value).split('/');
  if (segments.some((s) => s === '..' || s === '.')) problems.push('must not contain "." or ".." segments');
  else if (segments.some((s) => s === '') && !value.startsWith('/')) problems.push('must not contain empty segments ("//" or a trailing "/")');
  return problems;
}

export const objectKey = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    for (const message of keyProblems(value, false)) ctx.addIssue({ code: 'custom', message });
  });

/** A listing prefix: empty, or a key that may end in "/". */
export const keyPrefix = z.string().superRefine((value, ctx) => {
  if (value === '') return;
  for (const message of keyProblems(value, true)) ctx.addIssue({ code: 'custom', message });
});

/**
 * Daraja's callbacks do not echo our AccountReference or say which command
 * they answer, so we carry both in the URLs we give it. Existing query
 * parameters (such as a secret token) are kept.
 */
export function withParams(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

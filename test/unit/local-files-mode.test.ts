import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import { downloadVerified } from '../../src/core/adapter-kit/verified-download.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Stands in for the HTTP client: writes the body into the sink and says what the provider listed. */
const body = (text: string) => async (sink: Writable) => {
  await new Promise<void>((resolve, reject) => sink.end(Buffer.from(text), () => resolve()).once('error', reject));
  return { size: Buffer.byteLength(text) };
};

it('a download written through the adapter kit is 0600 in a 0700 folder, also over an existing 0644 file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'integrations-download-mode-'));
  dirs.push(dir);
  const fresh = join(dir, 'made', 'new.bin');
  await downloadVerified(fresh, 'test object', body('card 4111 1111 1111 1111'));
  expect(statSync(fresh).mode & 0o777).toBe(0o600);
  expect(statSync(join(dir, 'made')).mode & 0o777).toBe(0o700);

  const existing = join(dir, 'old.bin');
  writeFileSync(existing, 'before', { mode: 0o644 });
  await downloadVerified(existing, 'test object', body('after'));
  expect(statSync(existing).mode & 0o777).toBe(0o600);
});

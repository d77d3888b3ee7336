import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { writeAtomically } from '../../src/core/adapter-kit/local-files.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('a download written through the adapter kit is 0600, also over an existing 0644 file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'integrations-download-mode-'));
  dirs.push(dir);
  const fresh = join(dir, 'new.bin');
  await writeAtomically(fresh, Buffer.from('card 4111 1111 1111 1111'));
  expect(statSync(fresh).mode & 0o777).toBe(0o600);

  const existing = join(dir, 'old.bin');
  writeFileSync(existing, 'before', { mode: 0o644 });
  await writeAtomically(existing, Buffer.from('after'));
  expect(statSync(existing).mode & 0o777).toBe(0o600);
});

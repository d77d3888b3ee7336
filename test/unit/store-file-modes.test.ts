import { describe, expect, it } from 'vitest';
import { storeModeProblem } from '../../src/config/store-modes.js';
import { folderMode } from '../../src/store/sqlite/file-modes.js';

describe('store.mode', () => {
  it('accepts the owner alone, or the owner and a group that reads or reads and writes', () => {
    for (const mode of ['0600', '600', '0640', '0660']) expect(storeModeProblem(mode), mode).toBeUndefined();
  });

  it('refuses any bit for other users, saying why', () => {
    for (const mode of ['0644', '0604', '0601', '0666', '0777']) expect(storeModeProblem(mode), mode).toMatch(/lets every local user reach the store/);
  });

  it('refuses an owner who may not read and write, execute bits, and a group that writes without reading', () => {
    expect(storeModeProblem('0400')).toMatch(/owner's digit must be 6/);
    expect(storeModeProblem('0700')).toMatch(/owner's digit must be 6/);
    expect(storeModeProblem('0650')).toMatch(/no execute bit/);
    expect(storeModeProblem('0620')).toMatch(/a group that may write must also read/);
    expect(storeModeProblem('rw-r-----')).toMatch(/expected an octal mode string/);
    expect(storeModeProblem('00640')).toMatch(/expected an octal mode string/);
  });

  it("gives the folder the owner's rwx and, for a group, what it needs to reach the files", () => {
    expect(folderMode(0o600)).toBe(0o700);
    expect(folderMode(0o640)).toBe(0o750);
    // A group that writes creates the -wal and -shm beside the database.
    expect(folderMode(0o660)).toBe(0o770);
  });
});

import { chmodSync, chownSync, existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, parseJson, startCli, tempProject, writeJsonConfig, type CliResult } from './cli-harness.js';
import { readersGroup } from './readers-group.js';

/**
 * The store holds tokens, signing secrets and raw webhook bodies: its folder
 * is 0700 and its files 0600 whatever the umask (every process here runs
 * under umask 000, the most permissive), unless the config names a group.
 */
const isRoot = process.getuid?.() === 0;
const OPEN = 0o000;
const modeOf = (path: string) => statSync(path).mode & 0o777;

let dirs: string[] = [];
function project(config: Record<string, unknown>): string {
  const dir = tempProject('integrations-modes-');
  dirs.push(dir);
  writeJsonConfig(dir, config);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function storeFiles(dir: string) {
  const folder = join(dir, '.integrations');
  const db = join(folder, 'integrations.db');
  return { folder, db, wal: `${db}-wal`, shm: `${db}-shm` };
}

function expectOneLine(res: CliResult): void {
  expect(res.stderr.trim().split('\n')).toHaveLength(1);
  expect(res.stderr).not.toMatch(/looks like a bug|\n\s+at /);
}

/** Starts the daemon (which keeps the store open, so its -wal and -shm exist) and runs `check` while it listens. */
async function whileDaemonRuns(dir: string, check: () => void, options: { umask?: number } = {}): Promise<CliResult> {
  const daemon = startCli(['daemon', '--port', '0'], { cwd: dir, ...options });
  try {
    await daemon.waitForStdout(/daemon listening/);
    check();
  } finally {
    daemon.child.kill('SIGTERM');
  }
  return daemon.done;
}

beforeAll(() => assertBuilt());

describe('the store is private to its owner, whatever the umask', () => {
  it('init creates the store folder 0700 and the database 0600', async () => {
    const dir = tempProject('integrations-modes-init-');
    dirs.push(dir);
    const res = await cli(['init', '--yes'], { cwd: dir, umask: OPEN });
    expect(res.code, res.stderr).toBe(0);
    const { folder, db } = storeFiles(dir);
    expect(modeOf(folder)).toBe(0o700);
    expect(modeOf(db)).toBe(0o600);
  });

  it('run creates them so, and the -wal and -shm of an open store are 0600 too', async () => {
    const dir = project({ integrations: { fine: { adapter: 'mock' } } });
    const res = await cli(['run', 'fine', 'echo', '--payload', '{"n":1}'], { cwd: dir, umask: OPEN });
    expect(res.code, res.stderr).toBe(0);
    const { folder, db, wal, shm } = storeFiles(dir);
    expect(modeOf(folder)).toBe(0o700);
    expect(modeOf(db)).toBe(0o600);
    await whileDaemonRuns(
      dir,
      () => {
        expect(modeOf(wal)).toBe(0o600);
        expect(modeOf(shm)).toBe(0o600);
        expect(modeOf(db)).toBe(0o600);
      },
      { umask: OPEN },
    );
  });

  it('a store left readable by others is tightened when opened, with one warning line, and only once', async () => {
    const dir = project({ integrations: { fine: { adapter: 'mock' } } });
    expect((await cli(['run', 'fine', 'echo'], { cwd: dir })).code).toBe(0);
    const { folder, db, wal, shm } = storeFiles(dir);
    // A store as earlier versions left it: a 0755 folder and 0644 files, held open by another process.
    const holder = new Database(db);
    try {
      holder.prepare('SELECT count(*) FROM operation_logs').get();
      for (const file of [db, wal, shm]) chmodSync(file, 0o644);
      chmodSync(folder, 0o755);

      const res = await cli(['run', 'fine', 'echo', '--json'], { cwd: dir, umask: OPEN });
      expect(res.code, res.stderr).toBe(0);
      expectOneLine(res);
      expect(res.stderr).toBe(
        `warning: store ${db} was readable by more users than configured (.integrations 0755, integrations.db 0644, integrations.db-wal 0644, integrations.db-shm 0644); set to 0700 (folder) and 0600 (files)\n`,
      );
      expect([folder, db, wal, shm].map(modeOf)).toEqual([0o700, 0o600, 0o600, 0o600]);

      const again = await cli(['run', 'fine', 'echo', '--json'], { cwd: dir });
      expect(again).toMatchObject({ code: 0, stderr: '' });
    } finally {
      holder.close();
    }

    // The daemon warns once, though its writer thread opens the store again.
    chmodSync(db, 0o644);
    const daemon = await whileDaemonRuns(dir, () => expect(modeOf(db)).toBe(0o600));
    expect(daemon.stderr.split('\n').filter((line) => line.startsWith('warning:'))).toEqual([
      `warning: store ${db} was readable by more users than configured (integrations.db 0644); set to 0700 (folder) and 0600 (files)`,
    ]);

    // A command that only reads tightens its owner's store too.
    chmodSync(db, 0o644);
    const tail = await cli(['logs', 'tail', '--json'], { cwd: dir });
    expect(tail.code, tail.stderr).toBe(0);
    expect(tail.stderr).toBe(`warning: store ${db} was readable by more users than configured (integrations.db 0644); set to 0700 (folder) and 0600 (files)\n`);
    expect(modeOf(db)).toBe(0o600);
  });

  it('a store in a folder it shares with other files leaves that folder alone; its files are private', async () => {
    const dir = project({ store: { path: 'state.db' }, integrations: { fine: { adapter: 'mock' } } });
    chmodSync(dir, 0o755);
    const res = await cli(['run', 'fine', 'echo', '--json'], { cwd: dir, umask: OPEN });
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(modeOf(dir)).toBe(0o755);
    expect(modeOf(join(dir, 'state.db'))).toBe(0o600);
  });

  it('local-storage copies are 0600 even when the source was 0644, in folders it makes 0700', async () => {
    const dir = project({ integrations: { files: { adapter: 'local-storage', config: { root: './files' } } } });
    const source = join(dir, 'receipt.txt');
    writeFileSync(source, 'card 4111 1111 1111 1111\n');
    chmodSync(source, 0o644);
    const put = await cli(['run', 'files', 'upload', '--payload', JSON.stringify({ path: 'receipt.txt', destination: 'r/receipt.txt' })], { cwd: dir, umask: OPEN });
    expect(put.code, put.stderr).toBe(0);
    expect(modeOf(join(dir, 'files', 'r', 'receipt.txt'))).toBe(0o600);
    expect([modeOf(join(dir, 'files')), modeOf(join(dir, 'files', 'r'))]).toEqual([0o700, 0o700]);

    const get = await cli(['run', 'files', 'download', '--payload', JSON.stringify({ source: 'r/receipt.txt', path: 'out/back.txt' })], { cwd: dir, umask: OPEN });
    expect(get.code, get.stderr).toBe(0);
    expect([modeOf(join(dir, 'out', 'back.txt')), modeOf(join(dir, 'out'))]).toEqual([0o600, 0o700]);
  });
});

describe('store.mode and store.group are checked before the store is touched', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['a world-readable mode', { mode: '0644' }, /store\.mode: 0644 lets every local user reach the store, which holds tokens, signing secrets and webhook bodies; allow only the owner and a group/],
    ['a mode that is not octal', { mode: 'u=rw' }, /store\.mode: expected an octal mode string such as '0600' or '0640', got 'u=rw'/],
    ['an owner who may not write', { mode: '0440', group: 'root' }, /store\.mode: 0440: the owner's digit must be 6/],
    ['group bits without a group', { mode: '0640' }, /store\.group: store\.mode 0640 gives a group access: name the group \(store\.group\)/],
    ['a group that does not exist', { group: 'no-such-group-integrations' }, /store\.group: group no-such-group-integrations does not exist on this host/],
  ];
  for (const [what, store, message] of cases) {
    it(`${what}: CONFIG_INVALID (exit 3) with the reason, nothing created`, async () => {
      const dir = project({ store, integrations: { fine: { adapter: 'mock' } } });
      const res = await cli(['run', 'fine', 'echo'], { cwd: dir });
      expect(res.code, res.stderr).toBe(3);
      expect(res.stderr).toMatch(message);
      expect(res.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(dir, '.integrations'))).toBe(false);
    });
  }
});

describe.skipIf(!isRoot)('store: { mode: "0640", group } lets a monitoring group read it', () => {
  let readers: { name: string; gid: number };
  beforeAll(() => {
    readers = readersGroup();
  });

  it('the folder is 0750 and the files 0640, all given to the group; a member reads, anyone else is refused', async () => {
    const dir = project({ store: { mode: '0640', group: readers.name }, daemon: { port: 0 }, integrations: { fine: { adapter: 'mock' } } });
    chmodSync(dir, 0o755);
    const res = await cli(['run', 'fine', 'echo', '--payload', '{"n":1}', '--json'], { cwd: dir, umask: OPEN });
    expect(res).toMatchObject({ code: 0, stderr: '' });
    const { folder, db, wal, shm } = storeFiles(dir);
    expect([folder, db].map((p) => [modeOf(p), statSync(p).gid])).toEqual([
      [0o750, readers.gid],
      [0o640, readers.gid],
    ]);
    await whileDaemonRuns(dir, () => {
      for (const file of [wal, shm]) expect([modeOf(file), statSync(file).gid]).toEqual([0o640, readers.gid]);
    });

    const member = await cli(['logs', 'tail', '--json'], { cwd: dir, user: { uid: 65534, gid: readers.gid } });
    expect(member.code, member.stderr).toBe(0);
    expect(parseJson<{ operation: string }>(member.stdout.trim())).toMatchObject({ operation: 'echo' });

    const outsider = await cli(['logs', 'tail'], { cwd: dir, user: { uid: 65534, gid: 65534 } });
    expect(outsider.code).toBe(7);
    expectOneLine(outsider);
    expect(outsider.stderr).toBe(`error: store ${db} cannot be read by user nobody: no search (x) permission on folder ${folder} (owner uid 0, mode 0750)\n`);
  });

  it('dropping the group from the config takes its access back, with the warning', async () => {
    const dir = project({ store: { mode: '0640', group: readers.name }, integrations: { fine: { adapter: 'mock' } } });
    expect((await cli(['run', 'fine', 'echo'], { cwd: dir })).code).toBe(0);
    writeJsonConfig(dir, { integrations: { fine: { adapter: 'mock' } } });
    const res = await cli(['run', 'fine', 'echo', '--json'], { cwd: dir });
    expect(res.code, res.stderr).toBe(0);
    const { folder, db } = storeFiles(dir);
    expect(res.stderr).toBe(`warning: store ${db} was readable by more users than configured (.integrations 0750, integrations.db 0640); set to 0700 (folder) and 0600 (files)\n`);
    expect([modeOf(folder), modeOf(db)]).toEqual([0o700, 0o600]);
  });

  it('a user who is not in the group and would own the store: CONFIG_INVALID naming the group', async () => {
    const dir = project({ store: { group: readers.name }, integrations: { fine: { adapter: 'mock' } } });
    chownSync(dir, 65534, 65534);
    const res = await cli(['run', 'fine', 'echo'], { cwd: dir, user: { uid: 65534, gid: 65534 } });
    expect(res.code, res.stderr).toBe(3);
    expect(res.stderr).toContain(
      `store.group: the store cannot be given to group ${readers.name}: this user (uid 65534) is not a member of it, and only root or a member may give a file to a group`,
    );
    expect(existsSync(join(dir, '.integrations'))).toBe(false);
  });
});

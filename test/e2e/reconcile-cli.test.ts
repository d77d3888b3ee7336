import { rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDriveSimulator, type DriveSimulator } from '../../adapters/google-drive/simulator.js';
import { adapterPackage, assertBuilt, cli, parseJson, tempProject, writeJsonConfig } from './cli-harness.js';
import { startFakeProvider, type FakeProvider } from './queue-fake-provider.js';

/**
 * `integrations reconcile` (issue 10 §3) through the built CLI: a direct run
 * of an unsafe operation whose provider never answers ends at exit 6 naming
 * the command; the command settles it from the provider's query (or by
 * hand, audited, where the adapter cannot be asked); the idempotency key
 * then replays the settled answer instead of sending again. The loopback
 * provider holds "stall*" messages without answering and its integrations
 * time out after 300 ms; Drive's simulator loses the upload's answer, with a
 * timeout long enough for its token and listing on a busy machine.
 */
const ADAPTER = fileURLToPath(new URL('./queue-loopback-adapter.mjs', import.meta.url));

let dir: string;
let provider: FakeProvider;
let spare: FakeProvider | undefined;
let drive: DriveSimulator | undefined;
beforeAll(() => assertBuilt());
afterEach(async () => {
  await provider?.close();
  await spare?.close();
  await drive?.close();
  spare = drive = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function setup(extra: Record<string, unknown> = {}) {
  provider = await startFakeProvider(1);
  dir = tempProject('integrations-reconcile-');
  const sms = { adapter: 'loopback-pay', config: { baseUrl: provider.url }, timeoutMs: 300, retry: { maxAttempts: 1 } };
  writeJsonConfig(dir, { adapters: [adapterPackage(dir, 'queue-loopback-adapter', ADAPTER)], integrations: { sms, sms2: sms, ...extra } });
  return (args: string[]) => cli(args, { cwd: dir });
}

const send = (reference: string, integration = 'sms') => ['run', integration, 'send', '--payload', JSON.stringify({ reference, text: 'hi' })];

interface Row {
  logId: number | null;
  jobId: number | null;
  integration: string;
  status: string;
  settledBy: string | null;
  settlementLogId: number | null;
  detail: string;
}

// Each test runs the CLI ten to twenty times; a busy 2-core machine needs more than the default 30 s.
describe('integrations reconcile (built CLI)', { timeout: 120_000 }, () => {
  it('a direct run that times out: exit 6 names the command, reconcile settles it, and the same run replays the answer without sending again', async () => {
    const run = await setup();
    const first = await run(send('stall-1'));
    expect(first.code, first.stderr).toBe(6);
    expect(first.stderr).toMatch(/not re-sent \(unsafe operation\); settle it with `integrations reconcile 1`/);
    expect(provider.messages.get('stall-1')).toBe(1);

    // Running it again is refused, with the same way out: the message is not sent twice.
    const again = await run(send('stall-1'));
    expect(again.code).toBe(6);
    expect(again.stderr).toMatch(/unknown outcome \(log 1\).*settle it with `integrations reconcile 1`/);
    expect(provider.messages.get('stall-1')).toBe(1);
    expect((await run(['logs', 'show', '1'])).stdout).toMatch(/settled\s+not yet: integrations reconcile 1/);

    const settled = await run(['reconcile', '1', '--no-color']);
    expect(settled.code, settled.stderr).toBe(0);
    expect(settled.stdout).toMatch(/^id\s+integration\s+operation\s+result\s+detail\n/);
    expect(settled.stdout).toMatch(/log 1\s+sms\s+send\s+succeeded\s+the provider reports sent/);

    const replay = await run([...send('stall-1'), '--json']);
    expect(replay.code, replay.stderr).toBe(0);
    expect(parseJson(replay.stdout)).toMatchObject({ ok: true, replayed: true, result: { id: 'msg_stall-1', status: 'sent' } });
    expect(provider.messages.get('stall-1')).toBe(1);

    // The settlement is its own row, linked both ways; asking again reports it, and changes nothing.
    const [twice] = parseJson<Row[]>((await run(['reconcile', '1', '--json'])).stdout);
    expect(twice).toMatchObject({ logId: 1, status: 'succeeded', settledBy: 'earlier', detail: expect.stringMatching(/already settled as succeeded by query in log \d+/) });
    const settlement = parseJson<Record<string, unknown>>((await run(['logs', 'show', String(twice.settlementLogId), '--json'])).stdout);
    expect(settlement).toMatchObject({ status: 'ok', operation: 'send', reconciles: { logId: 1, by: 'query', actor: null, reason: null }, response: { id: 'msg_stall-1', status: 'sent' } });
    expect(parseJson((await run(['logs', 'show', '1', '--json'])).stdout)).toMatchObject({ errorCategory: 'OUTCOME_UNKNOWN', settledIn: twice.settlementLogId });
    expect((await run(['logs', 'tail', '--no-color'])).stdout).toMatch(new RegExp(`#${twice.settlementLogId} .* ok +sms send .* settles #1 by query\n`));
  });

  it('the provider has no record: settled as failed (exit 0), and the same run may be sent again', async () => {
    const run = await setup();
    expect((await run(send('stall-2'))).code).toBe(6);
    provider.messages.delete('stall-2');
    const settled = await run(['reconcile', '1', '--json']);
    expect(settled.code, settled.stderr).toBe(0);
    expect(parseJson(settled.stdout)).toMatchObject([{ logId: 1, status: 'failed', settledBy: 'query', detail: expect.stringMatching(/no record of it/) }]);
    // It never took effect, so the key is free: the next run really sends.
    expect((await run(send('stall-2'))).code).toBe(6);
    expect(provider.messages.get('stall-2')).toBe(1);
  });

  it('stays unknown, exit 6, when the provider cannot be asked right now', async () => {
    spare = await startFakeProvider(1);
    const run = await setup({ flaky: { adapter: 'loopback-pay', config: { baseUrl: spare.url }, timeoutMs: 300, retry: { maxAttempts: 1 } } });
    expect((await run(send('stall-3', 'flaky'))).code).toBe(6);
    await spare.close();
    spare = undefined;
    const still = await run(['reconcile', '--integration', 'flaky', '--no-color']);
    expect(still.code).toBe(6);
    expect(still.stdout).toMatch(/log 1\s+flaky\s+send\s+still unknown\s+query failed: NETWORK_ERROR/);
    expect(still.stderr).toMatch(/1 outcome is still unknown/);
    expect((await run(send('stall-3', 'flaky'))).code).toBe(6);
  });

  it('--integration and --all; a queued job with an unknown outcome is settled by the same command', async () => {
    const run = await setup();
    expect((await run(send('stall-a'))).code).toBe(6);
    expect((await run(send('stall-b', 'sms2'))).code).toBe(6);
    expect((await run([...send('stall-c'), '--queue'])).code).toBe(0);
    const drained = await run(['queue', 'drain', '--json']);
    expect(parseJson(drained.stdout)).toMatchObject({ claimed: 1, unknown: 1 });

    const one = await run(['reconcile', '--integration', 'sms2', '--json']);
    expect(one.code, one.stderr).toBe(0);
    expect(parseJson<Row[]>(one.stdout).map((r) => [r.logId, r.integration, r.status])).toEqual([[2, 'sms2', 'succeeded']]);

    const all = await run(['reconcile', '--all', '--json']);
    expect(all.code, all.stderr).toBe(0);
    expect(parseJson<Row[]>(all.stdout).map((r) => [r.logId, r.jobId, r.integration, r.status])).toEqual([
      [1, null, 'sms', 'succeeded'],
      [3, 1, 'sms', 'succeeded'],
    ]);
    expect(parseJson((await run(['queue', 'show', '1', '--json'])).stdout)).toMatchObject({ status: 'succeeded' });
    expect((await run(['reconcile', '--all'])).stdout).toBe('no unknown outcomes to settle\n');
    for (const ref of ['stall-a', 'stall-b', 'stall-c']) expect(provider.messages.get(ref)).toBe(1);
  });

  it('bad arguments exit 2, an unknown log id 1, each with one line', async () => {
    const run = await setup();
    expect((await run(['run', 'sms', 'query', '--payload', '{"reference":"nope"}'])).code).toBe(1);
    expect((await run(send('stall-u'))).code).toBe(6);
    const cases: [string[], number, RegExp][] = [
      [['reconcile'], 2, /name the log ids to reconcile, or use --integration <name> or --all/],
      [['reconcile', '2', '--all'], 2, /not several of them/],
      [['reconcile', 'abc'], 2, /log id must be a positive whole number/],
      [['reconcile', '999'], 1, /no log row #999/],
      [['reconcile', '1'], 2, /log 1 is not an unknown outcome \(it failed with NOT_FOUND\)/],
      [['reconcile', '--integration', 'nope'], 2, /unknown integration "nope"/],
      [['reconcile', '2', '--mark', 'maybe', '--reason', 'x'], 2, /--mark must be succeeded or failed/],
      [['reconcile', '--all', '--mark', 'failed', '--reason', 'x'], 2, /name the log ids it applies to/],
      [['reconcile', '2', '--reason', 'x'], 2, /--reason goes with --mark/],
    ];
    const results = await Promise.all(cases.map(([args]) => run([...args, '--no-color'])));
    cases.forEach(([args, code, message], i) => {
      expect([results[i].code, results[i].stderr], args.join(' ')).toEqual([code, expect.stringMatching(message)]);
      expect(results[i].stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    });
  });

  it('an adapter without a query: the advice says what to check, reconcile says so, and --mark settles it with a reason, audited', async () => {
    drive = await startDriveSimulator();
    const run = await setup({ drive: { adapter: 'google-drive', config: drive.config, timeoutMs: 2000, retry: { maxAttempts: 1 } } });
    writeFileSync(join(dir, 'u.txt'), 'uploaded once');
    const upload = ['run', 'drive', 'upload', '--payload', '{"path":"u.txt","destination":"invoices/u.txt"}'];
    drive.loseNextAnswers(1);
    const lost = await run(upload);
    expect(lost.code, lost.stderr).toBe(6);
    expect(lost.stderr).toMatch(/adapter google-drive has no query operation; list the destination \(`run drive list` with the destination as prefix\).*then record what happened with `integrations reconcile 1 --mark succeeded\|failed --reason "…"`/);
    expect(lost.stderr).not.toMatch(/query operation`|reconcile with the query/);

    const cannot = await run(['reconcile', '1', '--no-color']);
    expect(cannot.code).toBe(6);
    expect(cannot.stdout).toMatch(/log 1\s+drive\s+upload\s+still unknown\s+adapter google-drive has no query operation.*then `integrations reconcile 1 --mark/);

    const noReason = await run(['reconcile', '1', '--mark', 'succeeded']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/--mark needs --reason/);
    expect((await run(['reconcile', '1', '--mark', 'succeeded', '--reason', '  '])).code).toBe(2);

    const reason = 'listed invoices/u.txt: one file, 13 bytes';
    const marked = await run(['reconcile', '1', '--mark', 'succeeded', '--reason', reason, '--json']);
    expect(marked.code, marked.stderr).toBe(0);
    const [row] = parseJson<Row[]>(marked.stdout);
    expect(row).toMatchObject({ logId: 1, status: 'succeeded', settledBy: 'hand' });
    const audit = parseJson<Record<string, unknown>>((await run(['logs', 'show', String(row.settlementLogId), '--json'])).stdout);
    expect(audit).toMatchObject({ status: 'ok', reconciles: { logId: 1, by: 'hand', actor: userInfo().username, reason }, time: expect.any(String) });
    expect((await run(['logs', 'show', String(row.settlementLogId)])).stdout).toMatch(new RegExp(`reconciles\\s+log #1, by hand by ${userInfo().username}: ${reason}`));

    // The same upload now replays the settlement; Drive gets no second upload.
    const replay = await run([...upload, '--json']);
    expect(replay.code, replay.stderr).toBe(0);
    expect(parseJson(replay.stdout)).toMatchObject({ ok: true, replayed: true, result: { status: 'succeeded', settledBy: 'hand', reason } });
    expect(drive.received('/upload/drive/v3/files')).toHaveLength(1);

    const overwrite = await run(['reconcile', '1', '--mark', 'failed', '--reason', 'changed my mind']);
    expect(overwrite.code).toBe(2);
    expect(overwrite.stderr).toMatch(/settled already in log \d+; a settlement is not overwritten/);
  });
});

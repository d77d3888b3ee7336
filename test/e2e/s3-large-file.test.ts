import { closeSync, ftruncateSync, openSync, readFileSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Simulator, type S3Simulator } from '../../adapters/s3/simulator.js';
import { assertBuilt, parseJson, startCli, tempProject, writeJsonConfig, type CliResult } from './cli-harness.js';

/**
 * Issue 10: an S3 upload was one PutObject held whole in memory. A 1 GiB file
 * goes up through the built CLI as a multipart upload with the CLI's peak
 * resident memory (VmHWM) under 150 MB, and comes back down to disk adding
 * less than 64 MB over the same CLI merely listing the bucket. The
 * simulator keeps the parts on disk, so this process stays flat too.
 */
const GIB = 1024 * 1024 * 1024;
const MB = 1000 * 1000;

/** Runs the CLI and samples its peak RSS from /proc until it exits (VmHWM only grows, so the last sample is the peak so far). */
async function runMeasured(args: string[], cwd: string): Promise<CliResult & { peakRssBytes: number }> {
  const running = startCli(args, { cwd });
  let peak = 0;
  const sample = () => {
    try {
      const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${running.child.pid}/status`, 'utf8'))?.[1];
      if (kb) peak = Math.max(peak, Number(kb) * 1024);
    } catch {
      // The process has exited between two samples.
    }
  };
  const timer = setInterval(sample, 50);
  const result = await running.done.finally(() => clearInterval(timer));
  return { ...result, peakRssBytes: peak };
}

describe.skipIf(process.platform !== 'linux')('S3 upload and download of 1 GiB through the CLI', () => {
  let sim: S3Simulator;
  let dir: string;
  let source: string;

  beforeAll(async () => {
    assertBuilt();
    sim = await startS3Simulator();
    dir = tempProject('integrations-s3-large-');
    writeJsonConfig(dir, { integrations: { files: { adapter: 's3', config: sim.config, timeoutMs: 600_000 } } });
    // Sparse: 1 GiB that costs nothing on disk, marked at both ends so a misplaced part would show.
    source = join(dir, 'big.bin');
    const fd = openSync(source, 'w');
    ftruncateSync(fd, GIB);
    writeSync(fd, Buffer.from('first bytes'), 0, 11, 0);
    writeSync(fd, Buffer.from('last bytes'), 0, 10, GIB - 10);
    closeSync(fd);
  });

  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('uploads in 8 MiB parts with a peak RSS under 150 MB, and downloads to disk in flat memory', { timeout: 300_000 }, async () => {
    const up = await runMeasured(['run', 'files', 'upload', '--json', '--payload', JSON.stringify({ path: 'big.bin', destination: 'large/big.bin' })], dir);
    expect(up.code, up.stderr).toBe(0);
    const uploaded = parseJson<{ result: { size: number; parts: number; etag: string } }>(up.stdout);
    expect(uploaded.result).toMatchObject({ size: GIB, parts: 128, etag: expect.stringMatching(/-128$/) });
    expect(sim.objects.get('large/big.bin')?.size).toBe(GIB);
    expect(sim.partsOnDisk).toBe(128);
    expect(up.peakRssBytes).toBeGreaterThan(0);
    expect(up.peakRssBytes, `upload peak RSS ${up.peakRssBytes} bytes`).toBeLessThan(150 * MB);

    const down = await runMeasured(['run', 'files', 'download', '--json', '--payload', JSON.stringify({ source: 'large/big.bin', path: 'back.bin' })], dir);
    expect(down.code, down.stderr).toBe(0);
    expect(statSync(join(dir, 'back.bin')).size).toBe(GIB);
    const fd = openSync(join(dir, 'back.bin'), 'r');
    const ends = [Buffer.alloc(11), Buffer.alloc(10)];
    readSync(fd, ends[0], 0, 11, 0);
    readSync(fd, ends[1], 0, 10, GIB - 10);
    closeSync(fd);
    expect(ends.map((b) => b.toString())).toEqual(['first bytes', 'last bytes']);
    // The same CLI listing the bucket: what a run costs before any transfer.
    const idle = await runMeasured(['run', 'files', 'list', '--json', '--payload', '{}'], dir);
    expect(idle.code, idle.stderr).toBe(0);
    // A buffered download would add a whole GiB; streaming adds at most a few chunks and the GC's slack.
    expect(down.peakRssBytes - idle.peakRssBytes, `download peak RSS ${down.peakRssBytes} bytes, listing ${idle.peakRssBytes}`).toBeLessThan(64 * MB);
  });
});

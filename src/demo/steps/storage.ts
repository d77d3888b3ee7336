import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEMO } from '../config-file.js';
import { check, StepFailure, type DemoStep } from '../step.js';

/** Upload a file to the local-storage integration, then find it again by listing. */
export const storage: DemoStep = {
  name: 'storage',
  title: 'Upload a file to local storage and list it',
  async run(stage) {
    const { executor } = stage.session;
    const body = Buffer.from('Receipt for order DEMO-1001\nAmount: KES 250\nPaid by M-Pesa\n');
    const local = join(stage.folder, 'receipt-1001.txt');
    await writeFile(local, body, { mode: 0o600 });
    const key = 'receipts/2026/DEMO-1001.txt';

    const uploaded = await executor.execute(DEMO.files, 'upload', { path: local, destination: key }, { signal: stage.io.signal });
    if (!uploaded.ok) throw new StepFailure(`the upload failed: ${uploaded.error.category}: ${uploaded.error.message}`);
    const put = uploaded.result as { key: string; size: number; sha256: string };
    const sha256 = createHash('sha256').update(body).digest('hex');
    check(put.sha256 === sha256, `the stored file's checksum ${put.sha256} differs from the local file's ${sha256}`);

    const listed = await executor.execute(DEMO.files, 'list', { prefix: 'receipts/' }, { signal: stage.io.signal });
    if (!listed.ok) throw new StepFailure(`the listing failed: ${listed.error.category}: ${listed.error.message}`);
    const items = (listed.result as { items: { key: string; size: number }[] }).items;
    const found = items.find((i) => i.key === key);
    check(found?.size === body.length, `${key} is ${found ? `listed with ${found.size} bytes, expected ${body.length}` : 'missing from the listing'}`);

    return {
      summary: `${key} stored (${put.size} bytes) and listed`,
      details: [`upload: ${key}, ${put.size} bytes, sha256 ${put.sha256.slice(0, 16)}…`, `list receipts/: ${items.map((i) => i.key).join(', ')}`],
      data: { key, size: put.size, sha256: put.sha256, listed: items.map((i) => i.key) },
    };
  },
};

/**
 * A separate process for the racing test: opens the store file, works every
 * due delivery with its own worker and prints its summary as one JSON line.
 * It says "ready" once loaded and starts on a line on stdin, so that all the
 * racers begin together.
 * Run with `node --import jiti/register outbound-race-worker.ts <db> <owner>`.
 */
import { systemClock } from '../../src/core/clock.js';
import { closeHttpAgent } from '../../src/http/client.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { createDeliveryWorker } from '../../src/webhooks/outbound/worker.js';

const [path, owner] = process.argv.slice(2);
const store = SqliteStore.open(path);
try {
  const worker = createDeliveryWorker({ store, clock: systemClock, owner, concurrency: 4 });
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.destroy();
  const summary = await worker.workDueDeliveries();
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} finally {
  await store.close();
  await closeHttpAgent();
}

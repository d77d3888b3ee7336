// An adapter whose operation makes its own store locked: it opens a second
// connection to the store and holds the write lock, as another process
// would. For the test that a drain whose store fails mid-run says so.
import Database from 'better-sqlite3';
import { z } from 'zod';

const holders = [];

export default {
  name: 'store-locker',
  kind: 'generic',
  description: 'Holds the store write lock from a second connection (store failure tests)',
  config: z.object({ storePath: z.string() }),
  operations: {
    lock: {
      description: 'Take the store write lock and keep it',
      retry: 'safe',
      input: z.object({}).optional(),
      output: z.object({ locked: z.boolean() }),
      async run(ctx) {
        const db = new Database(ctx.config.storePath);
        db.prepare('BEGIN IMMEDIATE').run();
        holders.push(db);
        return { locked: true };
      },
    },
  },
};

import { defineAdapter } from '../../src/core/adapter.js';
import { S3_BASE_URLS, s3ConfigSchema } from './config.js';
import { upload } from './operations/upload.js';
import { download } from './operations/download.js';
import { remove } from './operations/delete.js';
import { list } from './operations/list.js';
import { s3Health, s3SelfTest } from './health.js';
import { startS3Simulator } from './simulator.js';

/** Any S3-compatible store (AWS S3, MinIO, Ceph, R2, ...), with the storage operations of local-storage. */
export default defineAdapter({
  name: 's3',
  kind: 'storage',
  description: 'Amazon S3 or any S3-compatible store (MinIO, Ceph, R2): upload, download, delete, list, signed with SigV4',
  config: s3ConfigSchema,
  baseUrls: S3_BASE_URLS,
  operations: { upload, download, delete: remove, list },
  health: s3Health,
  selfTest: s3SelfTest,
  simulator: { start: startS3Simulator },
});

import { defineAdapter } from '../../src/core/adapter.js';
import { DRIVE_BASE_URLS, driveConfigSchema } from './config.js';
import { upload } from './operations/upload.js';
import { download } from './operations/download.js';
import { remove } from './operations/delete.js';
import { list } from './operations/list.js';
import { driveHealth, driveSelfTest } from './health.js';
import { startDriveSimulator } from './simulator.js';

/** Files in one Google Drive folder, keyed by file name, with the storage operations of local-storage. */
export default defineAdapter({
  name: 'google-drive',
  kind: 'storage',
  description: 'Google Drive v3: files in one folder, keyed by name; OAuth refresh token, cached access tokens',
  config: driveConfigSchema,
  baseUrls: DRIVE_BASE_URLS,
  operations: { upload, download, delete: remove, list },
  health: driveHealth,
  selfTest: driveSelfTest,
  simulator: { start: startDriveSimulator },
});

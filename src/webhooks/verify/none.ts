import { configError } from './options.js';
import type { SchemeDefinition } from './types.js';

/**
 * No signature at all: only for callbacks protected by the IP allow-list
 * alone, so it refuses to exist without one.
 */
export const none: SchemeDefinition = {
  name: 'none',
  needsSecret: false,
  compile(settings) {
    if (!Array.isArray(settings.allowIps) || settings.allowIps.length === 0) {
      throw configError(settings, 'an unsigned scheme needs allowIps; otherwise anyone can post events');
    }
    return () => ({ ok: true });
  },
  sign() {
    return { headers: {} };
  },
};

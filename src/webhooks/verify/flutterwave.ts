import { secretDigest, secretEquals } from './constant-time.js';
import { requireSecrets } from './options.js';
import { fail, type SchemeDefinition, type VerifyResult } from './types.js';

/**
 * Flutterwave: the `verif-hash` header carries the dashboard's secret hash
 * itself (not an HMAC), so it is compared as a secret, in constant time.
 */
export const flutterwave: SchemeDefinition = {
  name: 'flutterwave',
  needsSecret: true,
  compile(settings) {
    const digests = requireSecrets(settings).map(secretDigest);
    return (req): VerifyResult => {
      const presented = req.headers['verif-hash'];
      if (!presented) return fail('missing-signature');
      let match = false;
      // Every secret is compared so the time taken does not say which one matched.
      for (const digest of digests) match = secretEquals(presented, digest) || match;
      return match ? { ok: true } : fail('bad-signature');
    };
  },
  carriers: () => ({ headers: ['verif-hash'] }),
  sign(settings) {
    return { headers: { 'verif-hash': requireSecrets(settings)[0] } };
  },
};

// A third-party-style receive-only adapter for the poison-webhook tests: a
// delivery can make its parser recurse until the stack runs out, or produce
// event data the store cannot serialise. Loaded through the config's
// `adapters` list, like any adapter package.
import { z } from 'zod';

function descend(n) {
  return n <= 0 ? 0 : 1 + descend(n - 1);
}

export default {
  name: 'poison-hooks',
  kind: 'generic',
  description: 'Webhook receiver whose parser can be made to throw or to return unstorable data',
  config: z.object({}),
  operations: {},
  webhook: {
    verification: { scheme: 'standard-webhooks' },
    parse(req, { integration }) {
      const body = JSON.parse(req.rawBody.toString('utf8'));
      // Within the nesting limit, yet the parser's own recursion overflows the stack.
      if (body.kind === 'recurse') return [{ type: `${integration}.recursed`, data: { depth: descend(body.n) } }];
      // Parses fine; storing it fails (JSON has no BigInt).
      if (body.kind === 'bigint') return [{ type: `${integration}.bigint`, data: { amount: 10n } }];
      return [{ type: `${integration}.${body.type}`, externalId: body.id, data: body }];
    },
  },
};

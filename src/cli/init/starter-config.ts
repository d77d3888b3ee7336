/** What `integrations init` writes: a plain object (no imports, so it loads before `npm install`), commented. */
export interface StarterChoices {
  /** Relative to the config file's folder. */
  storePath: string;
  /** Name of the mock payment integration, or undefined to leave it out. */
  payments?: string;
  /** Name and root of the local-storage integration, or undefined to leave it out. */
  files?: { name: string; root: string };
}

export const STARTER_DEFAULTS: Required<StarterChoices> = {
  storePath: '.integrations/integrations.db',
  payments: 'payments',
  files: { name: 'files', root: './.integrations/files' },
};

export function starterConfig(choices: StarterChoices): string {
  const integrations: string[] = [];
  if (choices.payments) {
    integrations.push(`    // A simulated payment provider kept in the local store: try it with
    //   integrations run ${choices.payments} charge --payload '{"amount": 1000, "currency": "KES", "reference": "order-1"}'
    // latencyMs, failureRate and failures (a scripted list of error categories) make it misbehave on demand.
    ${key(choices.payments)}: {
      adapter: 'mock',
      config: { latencyMs: 0, failureRate: 0 },
      retry: { maxAttempts: 3, baseDelayMs: '200ms', maxDelayMs: '5s' },
      timeoutMs: '10s',
    },`);
  }
  if (choices.files) {
    integrations.push(`    // Files on this machine, under root (relative to this file):
    //   integrations run ${choices.files.name} list
    ${key(choices.files.name)}: {
      adapter: 'local-storage',
      config: { root: ${quote(choices.files.root)} },
    },`);
  }
  return `/**
 * The integrations this project talks to. See \`integrations adapters list\`
 * for the adapters and \`integrations adapters show <adapter>\` for their fields.
 *
 * A plain object is enough. For type checking and editor completion, wrap it:
 *
 *   import { defineConfig, env } from 'integrations';
 *   export default defineConfig({ ... });
 *
 * Keep secrets out of this file: write env('MPESA_CONSUMER_KEY') (or the
 * string 'env:MPESA_CONSUMER_KEY') and set the variable. Any field can also be
 * overridden from the environment as INTEGRATIONS__<NAME>__<FIELD>, e.g.
 * INTEGRATIONS__PAYMENTS__ENABLED=false.
 */
export default {
  store: { path: ${quote(choices.storePath)} },
  integrations: {
${integrations.join('\n')}
  },
};
`;
}

function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name);
}

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

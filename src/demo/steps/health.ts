import { healthTable } from '../../cli/commands/health.js';
import { checkHealth } from '../../core/health.js';
import { check, type DemoStep } from '../step.js';

const CHECK_TIMEOUT_MS = 5_000;

/** `integrations health` over every demo integration: each adapter's own check against its simulator. */
export const health: DemoStep = {
  name: 'health',
  title: 'Check the health of every integration',
  async run(stage) {
    const reports = await checkHealth({ ...stage.session, clock: stage.io.clock, signal: stage.io.signal }, [], Math.min(CHECK_TIMEOUT_MS, stage.waitMs));
    reports.sort((a, b) => a.name.localeCompare(b.name));
    const table = await healthTable(reports, stage.style);
    const unhealthy = reports.filter((r) => r.status !== 'healthy');
    check(reports.length > 0, 'no integration was checked');
    check(unhealthy.length === 0, `not healthy: ${unhealthy.map((r) => `${r.name} (${r.status}: ${r.message})`).join('; ')}`);
    return {
      summary: `${reports.length} of ${reports.length} healthy`,
      details: [],
      block: table.trimEnd().split('\n'),
      data: { reports },
    };
  },
};

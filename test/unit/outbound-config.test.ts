import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { DEFAULT_DELIVERY_SCHEDULE_MS, deliverySchedule } from '../../src/webhooks/outbound/schedule.js';
import { fixtureRegistry, tempDir, thrown, type TempDir } from './config-fixtures.js';

describe('config: webhooks.deliverySchedule', () => {
  let t: TempDir;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());
  const load = () => loadConfig({ cwd: t.dir, env: {}, registry: fixtureRegistry() });
  const write = (webhooks: unknown) => t.write('integrations.config.json', JSON.stringify({ webhooks, integrations: {} }));

  it('parses durations into milliseconds, in order', async () => {
    write({ deliverySchedule: ['0s', '10s', '1m', '1h30m', 2500] });
    const loaded = await load();
    expect(loaded.webhooks).toEqual({ deliveryScheduleMs: [0, 10_000, 60_000, 5_400_000, 2_500] });
    expect(deliverySchedule(loaded)).toEqual([0, 10_000, 60_000, 5_400_000, 2_500]);
  });

  it('falls back to the default schedule when none is configured', async () => {
    write(undefined);
    expect(deliverySchedule(await load())).toEqual(DEFAULT_DELIVERY_SCHEDULE_MS);
  });

  it('refuses an empty schedule, a bad duration and unknown keys, naming the path', async () => {
    for (const webhooks of [{ deliverySchedule: [] }, { deliverySchedule: ['5 minutes'] }, { deliverySchedule: ['5s'], retries: 3 }]) {
      write(webhooks);
      const error = await thrown(load);
      expect(error.category).toBe('CONFIG_INVALID');
      expect(error.message).toMatch(/webhooks/);
    }
  });
});

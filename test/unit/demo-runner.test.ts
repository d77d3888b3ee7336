import { Writable } from 'node:stream';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { runSteps } from '../../src/demo/runner.js';
import type { DemoStage } from '../../src/demo/stage.js';
import { check, type DemoStep } from '../../src/demo/step.js';

function sink(): { out: Writable; text: () => string } {
  let text = '';
  const out = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { out, text: () => text };
}

const stage = {} as DemoStage;
const style = new Chalk({ level: 0 });
const passing = (name: string): DemoStep => ({
  name,
  title: `${name} title`,
  run: async () => ({ summary: `${name} worked`, details: [`${name} detail`], block: ['A  B', '1  2'], data: { name } }),
});

describe('demo runner', () => {
  it('prints each step as it ends (mark, number, title, what happened, details, block) and returns its result', async () => {
    const { out, text } = sink();
    const results = await runSteps([passing('one'), passing('two')], stage, { out, style, signal: new AbortController().signal });
    expect(results.map((r) => [r.name, r.status, r.summary, r.data])).toEqual([
      ['one', 'passed', 'one worked', { name: 'one' }],
      ['two', 'passed', 'two worked', { name: 'two' }],
    ]);
    const lines = text().split('\n');
    expect(lines[0]).toMatch(/^✓ 1\. one title {2}\d+ ms$/);
    expect(lines.slice(1, 5)).toEqual(['     one worked', '     · one detail', '     A  B', '     1  2']);
    expect(text()).toMatch(/\n✓ 2\. two title {2}\d+ ms\n/);
  });

  it('a failing step is marked ✗ with its reason; the steps after it still run', async () => {
    const { out, text } = sink();
    const failing: DemoStep = {
      name: 'broken',
      title: 'broken title',
      run: async () => {
        check(false, 'the callback never came');
        return { summary: '', details: [], data: {} };
      },
    };
    const results = await runSteps([failing, passing('after')], stage, { out, style, signal: new AbortController().signal });
    expect(results.map((r) => [r.name, r.status, r.error])).toEqual([
      ['broken', 'failed', 'the callback never came'],
      ['after', 'passed', null],
    ]);
    expect(text()).toMatch(/^✗ 1\. broken title {2}\d+ ms\n {5}the callback never came\n/);
  });

  it('after an interruption the remaining steps are skipped, not run', async () => {
    const { out } = sink();
    const controller = new AbortController();
    let ranSecond = false;
    const interrupting: DemoStep = { ...passing('first'), run: async () => (controller.abort(), { summary: 'ok', details: [], data: {} }) };
    const second: DemoStep = { ...passing('second'), run: async () => ((ranSecond = true), { summary: 'ok', details: [], data: {} }) };
    const results = await runSteps([interrupting, second], stage, { out, style, signal: controller.signal });
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['first', 'passed'],
      ['second', 'skipped'],
    ]);
    expect(ranSecond).toBe(false);
  });
});

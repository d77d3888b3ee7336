import type { Writable } from 'node:stream';
import type { Palette } from '../cli/render/color.js';
import { formatDuration } from '../cli/render/format.js';
import type { DemoStage } from './stage.js';
import type { DemoStep } from './step.js';

export interface StepResult {
  name: string;
  title: string;
  status: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  summary: string | null;
  details: string[];
  data: Record<string, unknown> | null;
  error: string | null;
}

export interface RunnerOptions {
  /** Where each step is printed as it ends (stdout, or stderr under --json). */
  out: Writable;
  style: Palette;
  /** Stop between steps (SIGINT/SIGTERM). */
  signal: AbortSignal;
}

const INDENT = '     ';

/**
 * Runs the steps in order and prints each as it ends: ✓ or ✗, its title
 * and time, what happened, and on failure why. A failed step does not stop
 * the ones after it (each stands on its own), so one run shows everything
 * that works and everything that does not; an interruption stops the rest.
 */
export async function runSteps(steps: readonly DemoStep[], stage: DemoStage, options: RunnerOptions): Promise<StepResult[]> {
  const { out, style } = options;
  const results: StepResult[] = [];
  for (const [index, step] of steps.entries()) {
    const base = { name: step.name, title: step.title };
    if (options.signal.aborted) {
      results.push({ ...base, status: 'skipped', durationMs: 0, summary: null, details: [], data: null, error: 'interrupted' });
      continue;
    }
    const started = performance.now();
    let result: StepResult;
    let block: string[] = [];
    try {
      const report = await step.run(stage);
      result = { ...base, status: 'passed', durationMs: Math.round(performance.now() - started), summary: report.summary, details: report.details, data: report.data, error: null };
      block = report.block ?? [];
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result = { ...base, status: 'failed', durationMs: Math.round(performance.now() - started), summary: null, details: [], data: null, error: message };
    }
    results.push(result);
    out.write(stepText(result, block, index + 1, style));
  }
  return results;
}

function stepText(result: StepResult, block: string[], number: number, style: Palette): string {
  const mark = result.status === 'passed' ? style.green('✓') : style.red('✗');
  const lines = [`${mark} ${number}. ${style.bold(result.title)}  ${style.dim(formatDuration(result.durationMs))}`];
  if (result.summary) lines.push(`${INDENT}${result.summary}`);
  for (const detail of result.details) lines.push(`${INDENT}${style.dim('·')} ${detail}`);
  for (const line of block) lines.push(`${INDENT}${line}`);
  if (result.error) lines.push(`${INDENT}${style.red(result.error)}`);
  return `${lines.join('\n')}\n\n`;
}

import type { DemoStage } from './stage.js';

/** What a step shows: one line saying what happened, lines of detail, and data for --json. */
export interface StepReport {
  summary: string;
  details: string[];
  /** Preformatted lines (a table), printed as they are below the details. */
  block?: string[];
  data: Record<string, unknown>;
}

export interface DemoStep {
  /** Stable id, for --json and the failure message. */
  name: string;
  title: string;
  run(stage: DemoStage): Promise<StepReport>;
}

/** A promise of the product that the demo saw broken. */
export class StepFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepFailure';
  }
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new StepFailure(message);
}

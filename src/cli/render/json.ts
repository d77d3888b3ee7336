import type { Writable } from 'node:stream';

/** Under --json stdout carries exactly one JSON document (or one per line when streaming). */
export function printJson(out: Writable, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** One compact JSON document per line, for streams (logs tail -f, exports). */
export function printJsonLine(out: Writable, value: unknown): void {
  out.write(`${JSON.stringify(value)}\n`);
}

import type { Palette } from './color.js';
import { terminalText } from './terminal-text.js';

export interface TableOptions {
  head: string[];
  rows: (string | number | null | undefined)[][];
  style: Palette;
  /** Right-align these column indexes (numbers, latencies). */
  alignRight?: number[];
}

/**
 * A borderless, column-aligned table: readable at a terminal and still
 * greppable in a pipe. cli-table3 loads only when a table is drawn.
 */
export async function renderTable(options: TableOptions): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const table = new Table({
    head: options.head.map((h) => options.style.bold(h)),
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '',
      right: '', 'right-mid': '', middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    colAligns: options.head.map((_, i) => (options.alignRight?.includes(i) ? 'right' : 'left')),
  });
  // Cells hold provider and webhook text: whatever could command the terminal is shown escaped.
  const colour = options.style.level > 0;
  for (const row of options.rows) table.push(row.map((cell) => (cell === null || cell === undefined ? '' : terminalText(String(cell), colour))));
  // cli-table3 pads the last column too; trailing spaces only get in the way of grep and diff.
  return `${table.toString().split('\n').map((line) => line.trimEnd()).join('\n')}\n`;
}

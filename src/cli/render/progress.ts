import { formatDuration } from './format.js';

export interface ProgressCounts {
  /** What is happening: "draining", "exporting", "replaying". */
  label: string;
  done: number;
  /** Known up front (rows to export, due jobs): gives "done/total" and an ETA. */
  total?: number;
  /** What is counted, for the rate: "jobs", "rows", "webhooks". */
  unit: string;
  elapsedMs: number;
  /** Further counts, e.g. "2 failed". */
  extra?: string[];
}

/** "exporting: 5,000/6,200 done, 2,500 rows/s, ETA 0.48 s": counts, rate and, with a total, the time left. */
export function formatProgress(p: ProgressCounts): string {
  const count = (n: number) => n.toLocaleString('en-US');
  const rate = p.elapsedMs > 0 ? (p.done * 1000) / p.elapsedMs : 0;
  const parts = [`${count(p.done)}${p.total === undefined ? '' : `/${count(p.total)}`} done`, `${rate < 10 ? rate.toFixed(1) : count(Math.round(rate))} ${p.unit}/s`];
  if (p.total !== undefined && rate > 0 && p.done < p.total) parts.push(`ETA ${formatDuration(((p.total - p.done) / rate) * 1000)}`);
  return `${p.label}: ${[...parts, ...(p.extra ?? [])].join(', ')}`;
}

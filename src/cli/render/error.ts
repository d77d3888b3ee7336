import { CommanderError } from 'commander';
import { IntegrationError } from '../../core/errors.js';
import { UsageError } from '../../core/usage-error.js';
import { StoreError } from '../../store/errors.js';
import { CommandFailure } from '../command-failure.js';
import type { Palette } from './color.js';
import { terminalText } from './terminal-text.js';

/** What an error says to a user or a script, whatever threw it. */
export interface ErrorReport {
  /** Stable machine code: the category, the store error code, USAGE, INTERRUPTED or INTERNAL. */
  code: string;
  category: string;
  message: string;
  retryable: boolean;
  issues: string[];
  /** Shown only with --verbose. */
  details: Record<string, unknown>;
  /** An unexpected error (a bug): its stack is worth showing with --verbose. */
  unexpected: boolean;
}

export function describeError(err: unknown, interrupted: boolean): ErrorReport {
  const base = { issues: issuesOf(err), details: {} as Record<string, unknown>, unexpected: false };
  if (interrupted) return { ...base, code: 'INTERRUPTED', category: 'INTERRUPTED', message: 'interrupted', retryable: true };
  if (err instanceof IntegrationError) {
    const details: Record<string, unknown> = { ...(err.details ?? {}) };
    if (err.provider) details.provider = err.provider;
    if (err.retryAfterMs !== undefined) details.retryAfterMs = err.retryAfterMs;
    if (err.cause !== undefined) details.cause = causeText(err.cause);
    return { ...base, details, code: err.category, category: err.category, message: withoutInlineIssues(err.message, base.issues), retryable: err.transient };
  }
  if (err instanceof StoreError) {
    const details = err.cause !== undefined ? { cause: causeText(err.cause) } : {};
    return { ...base, details, code: err.code, category: 'STORE', message: err.message, retryable: err.code === 'STORE_LOCKED' };
  }
  if (err instanceof UsageError) return { ...base, code: 'USAGE', category: 'USAGE', message: err.message, retryable: false };
  if (err instanceof CommanderError) return { ...base, code: 'USAGE', category: 'USAGE', message: err.message.replace(/^error:\s*/, ''), retryable: false };
  if (err instanceof CommandFailure) return { ...base, code: err.code, category: err.code, message: err.message, retryable: false };
  const message = err instanceof Error ? err.message : String(err);
  const details = err instanceof Error && err.stack ? { stack: err.stack } : {};
  return { ...base, details, code: 'INTERNAL', category: 'INTERNAL', message, retryable: false, unexpected: true };
}

/** Text form: one clear line, the issues indented beneath, details only when asked for. */
export function formatErrorText(report: ErrorReport, verbose: boolean, style: Palette): string {
  const lines = [`${style.red('error:')} ${report.message}`];
  for (const issue of report.issues) lines.push(`  - ${issue}`);
  if (verbose) {
    for (const [key, value] of Object.entries(report.details)) {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      lines.push(style.dim(`  ${key}: ${text.replace(/\n/g, '\n    ')}`));
    }
  } else if (report.unexpected) {
    lines.push(style.dim('  (this looks like a bug in integrations; run again with --verbose for the stack trace)'));
  }
  // Provider messages end up here: nothing in them may command the terminal.
  return `${terminalText(lines.join('\n'), style.level > 0)}\n`;
}

/** JSON form for stderr under --json. */
export function formatErrorJson(report: ErrorReport, exitCode: number, verbose: boolean): string {
  const error: Record<string, unknown> = {
    code: report.code,
    category: report.category,
    message: report.message,
    retryable: report.retryable,
    exitCode,
  };
  if (report.issues.length) error.issues = report.issues;
  if (verbose && Object.keys(report.details).length) error.details = report.details;
  return `${JSON.stringify({ error })}\n`;
}

/**
 * Messages often repeat their issues inline ("...: a; b" or "...:\n  - a");
 * the issues are listed one per line beneath instead, so keep the lead-in.
 */
function withoutInlineIssues(message: string, issues: string[]): string {
  if (!issues.length || !issues.every((i) => message.includes(i))) return message;
  const lead = message.slice(0, message.indexOf(issues[0])).replace(/[\s:;-]+$/, '');
  return lead || message;
}

function issuesOf(err: unknown): string[] {
  const issues = (err as { issues?: unknown })?.issues;
  return Array.isArray(issues) ? issues.filter((i): i is string => typeof i === 'string') : [];
}

function causeText(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}

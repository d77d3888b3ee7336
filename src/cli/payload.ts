import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { UsageError } from '../core/usage-error.js';
import { parseJson } from './json-location.js';

export interface PayloadSource {
  /** What the user typed after --payload, or undefined for none. */
  spec?: string;
  cwd: string;
  stdin: Readable;
}

/**
 * `--payload '{"amount":100}'`, `--payload @charge.json` or `--payload -`
 * (stdin). No payload at all is an empty object. Bad JSON is a usage error
 * saying where; an unreadable file is one naming the file.
 */
export async function readPayload(source: PayloadSource): Promise<unknown> {
  const { spec } = source;
  if (spec === undefined) return {};
  let text: string;
  let origin: string;
  if (spec === '-') {
    origin = 'payload from stdin';
    text = await readAll(source.stdin);
  } else if (spec.startsWith('@')) {
    const file = spec.slice(1);
    if (!file) throw new UsageError('--payload @ needs a file name, e.g. --payload @charge.json');
    origin = `payload file ${file}`;
    try {
      text = await readFile(resolve(source.cwd, file), 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
      throw new UsageError(`cannot read payload file ${file}: ${why}`);
    }
  } else {
    origin = '--payload';
    text = spec;
  }
  const parsed = parseJson(text);
  if (parsed.ok) return parsed.value;
  const { line, column, reason } = parsed.problem;
  const where = text.includes('\n') ? `line ${line}, column ${column}` : `column ${column}`;
  throw new UsageError(`${origin} is not valid JSON: ${reason} at ${where}`);
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

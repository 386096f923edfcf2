/**
 * The CLI's one error type and its exit codes, plus output helpers. stdout carries results
 * (JSON for machines); stderr carries hints for people.
 */
import { InvalidSetting } from '../settings.ts';
import { UsageError } from './args.ts';
import { CodedError } from '../errors.ts';
import { NetworkError } from '../http/network-error.ts';
import { ClientError, KeysError, isInputError } from '../opennexus/errors.ts';

export class CliError extends CodedError {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
    code = 'error',
  ) {
    super(code, message);
  }
}

export const EXIT_OK = 0;

/**
 * Maps any error to [exit code, stable code, message, details for the JSON error]; the only
 * place exit codes are chosen.
 */
export function classify(err: unknown): [number, string, string, (Record<string, string | number> | undefined)?] {
  if (err instanceof UsageError) return [2, 'usage', err.message];
  if (err instanceof CliError) return [err.exitCode, err.code, err.message];
  // A server's setting (src/settings.ts): the command line's environment was wrong, as bad usage.
  if (err instanceof InvalidSetting) return [2, err.code, err.message];
  if (err instanceof ClientError) return [isInputError(err) ? 2 : 1, err.code, err.message, err.details];
  if (err instanceof NetworkError) return [1, 'network', err.message];
  if (err instanceof KeysError) return [err.code === 'no_keys' ? 1 : 2, err.code === 'unreadable' ? 'unreadable_file' : err.code, err.message];
  if (err instanceof CodedError) return [1, err.code, err.message];
  return [1, 'internal', (err as Error)?.message ?? String(err)];
}

export const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
export const err = (s: string) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`);

/**
 * Text from a server or a peer, made safe for a terminal: C0/C1 control characters (escape
 * sequences, bare CR, backspace) and bidi controls (which reorder what a reader sees) are shown
 * as \u escapes. Newlines are kept only when `multiline` is set.
 */
export function safeText(s: string, opts: { multiline?: boolean } = {}): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) =>
    opts.multiline && c === '\n' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * A peer's multi-line text under a label: escaped, and every continuation line indented by
 * `indent`, so no line of it can pose as one of ours (a forged `[data] From:` line, say).
 */
export function indentedText(s: string, indent: number): string {
  return safeText(s, { multiline: true }).replace(/\n/g, `\n${' '.repeat(indent)}`);
}

/** JSON with bigint as decimal strings (counters are u64). */
export function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * stdin as text, or null when it is not valid UTF-8: a lossy decode would send U+FFFD in place
 * of what the user meant, and say nothing.
 */
export async function readStdinUtf8(): Promise<string | null> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Buffer.concat(chunks));
  } catch {
    return null;
  }
}

/** Resolves on SIGINT/SIGTERM, so long-running commands can stop cleanly and exit 0. */
export function onStopSignal(fn: (signal: string) => void): () => void {
  const h = (s: NodeJS.Signals) => fn(s);
  process.once('SIGINT', h);
  process.once('SIGTERM', h);
  return () => {
    process.off('SIGINT', h);
    process.off('SIGTERM', h);
  };
}

/**
 * The one parser of server settings (env variables), for the session server
 * (nexus/server/config.ts), the messenger (opennexus/messenger/config.ts) and the connection
 * limits both share (http/limits.ts). Our decision (docs/spec "Our decisions", settings): a
 * value that is set but invalid stops the server at start, naming the variable, the value and
 * what is allowed; it is never replaced by the default (the reference's Go-like parsing did
 * that silently: PAIR_CODE_TTL=5 served 600). Unset or empty means the default. Pure.
 */
import { CodedError } from './errors.ts';

export type Env = Record<string, string | undefined>;

/** One or more settings are invalid; `problems` names each (the CLIs print them, exit 2). */
export class InvalidSetting extends CodedError {
  constructor(readonly problems: string[]) {
    super('invalid_setting', problems.length === 1 ? problems[0]! : `${problems.length} invalid settings: ${problems.join('; ')}`);
  }
}

const MAX = Number.MAX_SAFE_INTEGER;
const TRUE = /^(1|true|yes|on)$/i;
const FALSE = /^(0|false|no|off)$/i;

/**
 * Reads settings from `env`, collecting every problem; `done()` throws them all at once, so an
 * operator fixes them in one go. A getter that found a problem returns the default, which
 * `done()` then never lets through.
 */
export class SettingsReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** The raw value, or undefined when unset or blank. */
  raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  /** Records a problem with `name`'s value; `allowed` says what would do. */
  invalid(name: string, allowed: string): void {
    this.problems.push(`${name}=${JSON.stringify(this.env[name] ?? '')} is invalid: ${allowed}`);
  }

  /** A whole number in [min, max] (`unit` is said in the message: "seconds"). */
  int(name: string, dflt: number, min: number, max = MAX, unit?: string): number {
    const v = this.raw(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (/^-?\d+$/.test(v) && Number.isSafeInteger(n) && n >= min && n <= max) return n;
    this.invalid(name, `it must be a whole number${unit ? ` of ${unit}` : ''}${range(min, max)}`);
    return dflt;
  }

  /** A decimal number in [min, max]. */
  num(name: string, dflt: number, min = -MAX, max = MAX, unit?: string): number {
    const v = this.raw(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (/^-?(\d+\.?\d*|\.\d+)$/.test(v) && Number.isFinite(n) && n >= min && n <= max) return n;
    this.invalid(name, `it must be a number${unit ? ` of ${unit}` : ''}${min === -MAX && max === MAX ? '' : range(min, max)}`);
    return dflt;
  }

  /** true/false (also 1/0, yes/no, on/off). */
  bool(name: string, dflt: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined) return dflt;
    if (TRUE.test(v)) return true;
    if (FALSE.test(v)) return false;
    this.invalid(name, 'it must be true or false (or 1/0, yes/no, on/off)');
    return dflt;
  }

  /** A value parsed by `parse`, whose thrown message says what is wrong. */
  parsed<T>(name: string, dflt: T, parse: (v: string | undefined) => T): T {
    try {
      return parse(this.env[name]);
    } catch (e) {
      this.problems.push((e as Error).message);
      return dflt;
    }
  }

  /** Throws InvalidSetting when any value was invalid. */
  done(): void {
    if (this.problems.length) throw new InvalidSetting(this.problems);
  }
}

function range(min: number, max: number): string {
  if (max === MAX) return `, at least ${min}`;
  if (min === -MAX) return `, at most ${max}`;
  return ` from ${min} to ${max}`;
}

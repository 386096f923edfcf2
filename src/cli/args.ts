/**
 * Command tables and their parser (DESIGN principle 7): a command is data, and the same data
 * drives argument parsing, `--help` and the generated docs. Parsing is pure.
 */
import { CodedError } from '../errors.ts';

export interface FlagDef {
  name: string;
  /** Placeholder for the value (e.g. FILE); absent for boolean flags. */
  value?: string;
  description: string;
  default?: string;
  /** parseArgs refuses the command without it; --help and the docs say so. */
  required?: boolean;
}

export interface PositionalDef {
  name: string;
  description: string;
  optional?: boolean;
}

export interface CommandDef {
  name: string;
  summary: string;
  positionals?: PositionalDef[];
  flags: FlagDef[];
  examples?: string[];
  /** Extra paragraphs for --help and the docs. */
  notes?: string[];
  /** The command's effects, loaded only when it runs (start-up stays near `node -e 0`). */
  run?: () => Promise<Runner>;
}

/** What a runner gets besides its arguments; the entry shell is the only code touching process. */
export interface RunContext {
  env: Record<string, string | undefined>;
  /** The entry script's URL: the skill's folder is found from it. */
  moduleUrl: string;
}

export type Runner = (p: Parsed, ctx: RunContext) => Promise<number>;

export interface ProgramDef {
  name: string;
  summary: string;
  version?: string;
  /** Run when no command word is given (flags may still be). */
  defaultCommand?: string;
  commands: CommandDef[];
  env?: ReadonlyArray<readonly [string, string, string]>;
  exitCodes?: ReadonlyArray<readonly [number, string]>;
}

/** Bad command-line input; always exit code 2. */
export class UsageError extends CodedError {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super('usage', message);
  }
}

export interface Parsed {
  command: string;
  flags: Record<string, string | true>;
  positionals: string[];
  help: boolean;
}

/** Flags may appear anywhere; `--flag value`, `--flag=value`, and `--` ends flag parsing. */
export function parseArgs(def: CommandDef, argv: string[]): Parsed {
  const byName = new Map(def.flags.map((f) => [f.name, f]));
  const out: Parsed = { command: def.name, flags: {}, positionals: [], help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a === '--help' || a === '-h') {
      out.help = true;
      continue;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      const f = byName.get(name);
      if (!f) throw new UsageError(`unknown flag --${name}`, def.name);
      if (!f.value) {
        if (eq > 0) throw new UsageError(`--${name} takes no value`, def.name);
        out.flags[name] = true;
        continue;
      }
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`--${name} needs a value (${f.value})`, def.name);
      out.flags[name] = v;
      continue;
    }
    out.positionals.push(a);
  }
  if (out.help) return out;
  const missing = def.flags.find((f) => f.required && out.flags[f.name] === undefined);
  if (missing) throw new UsageError(`--${missing.name} is required (${missing.description})`, def.name);
  const max = def.positionals?.length ?? 0;
  const min = def.positionals?.filter((p) => !p.optional).length ?? 0;
  if (out.positionals.length > max) throw new UsageError(`unexpected argument: ${out.positionals[max]}`, def.name);
  if (out.positionals.length < min) throw new UsageError(`missing ${def.positionals![out.positionals.length]!.name}`, def.name);
  return out;
}

/**
 * Finds the command word when flags may come before it (`nexus --agent-id X claim CODE`):
 * the first token that is neither a flag nor the value of a flag that takes one.
 */
export function splitCommand(program: ProgramDef, argv: string[]): { name: string | undefined; rest: string[] } {
  const valued = new Set(program.commands.flatMap((c) => c.flags.filter((f) => f.value).map((f) => `--${f.name}`)));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a.startsWith('-')) {
      if (valued.has(a)) i++;
      continue;
    }
    return { name: a, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { name: argv[0], rest: argv.slice(1) };
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.flags[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * A whole number flag in [min, max]; `unit` names what it counts ("seconds"). Without a max of
 * its own the message says "at least min": the JavaScript limit is no rule a user can act on.
 */
export function int(p: Parsed, name: string, min: number, max = Number.MAX_SAFE_INTEGER, unit?: string): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
    const what = `a whole number${unit ? ` of ${unit}` : ''}`;
    throw new UsageError(`--${name} must be ${max === Number.MAX_SAFE_INTEGER ? `${what}, at least ${min}` : `${what} from ${min} to ${max}`}`, p.command);
  }
  return n;
}

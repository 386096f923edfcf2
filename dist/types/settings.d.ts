/**
 * The one parser of server settings (env variables), for the session server
 * (nexus/server/config.ts), the messenger (opennexus/messenger/config.ts) and the connection
 * limits both share (http/limits.ts). Our decision (docs/spec "Our decisions", settings): a
 * value that is set but invalid stops the server at start, naming the variable, the value and
 * what is allowed; it is never replaced by the default (the reference's Go-like parsing did
 * that silently: PAIR_CODE_TTL=5 served 600). Unset or empty means the default. Pure.
 */
import { CodedError } from './errors.js';
export type Env = Record<string, string | undefined>;
/** One or more settings are invalid; `problems` names each (the CLIs print them, exit 2). */
export declare class InvalidSetting extends CodedError {
    readonly problems: string[];
    constructor(problems: string[]);
}
/**
 * Reads settings from `env`, collecting every problem; `done()` throws them all at once, so an
 * operator fixes them in one go. A getter that found a problem returns the default, which
 * `done()` then never lets through.
 */
export declare class SettingsReader {
    private readonly env;
    readonly problems: string[];
    constructor(env: Env);
    /** The raw value, or undefined when unset or blank. */
    raw(name: string): string | undefined;
    /** Records a problem with `name`'s value; `allowed` says what would do. */
    invalid(name: string, allowed: string): void;
    /** A whole number in [min, max] (`unit` is said in the message: "seconds"). */
    int(name: string, dflt: number, min: number, max?: number, unit?: string): number;
    /** A decimal number in [min, max]. */
    num(name: string, dflt: number, min?: number, max?: number, unit?: string): number;
    /** true/false (also 1/0, yes/no, on/off). */
    bool(name: string, dflt: boolean): boolean;
    /** A value parsed by `parse`, whose thrown message says what is wrong. */
    parsed<T>(name: string, dflt: T, parse: (v: string | undefined) => T): T;
    /** Throws InvalidSetting when any value was invalid. */
    done(): void;
}

/**
 * The one base error: every layer's error type extends it with a stable `code`, so the CLI
 * maps errors to exit codes with `instanceof` in one place (src/cli/io.ts, classify).
 */
export declare class CodedError extends Error {
    readonly code: string;
    constructor(code: string, message: string);
}

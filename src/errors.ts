/**
 * The one base error: every layer's error type extends it with a stable `code`, so the CLI
 * maps errors to exit codes with `instanceof` in one place (src/cli/io.ts, classify).
 */
export class CodedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

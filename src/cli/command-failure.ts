/**
 * A command's own verdict that is not an integration error category, e.g.
 * `test`'s health step answering "unhealthy": main prints it as one line and
 * exits with the given code (src/cli/exit-codes.ts).
 */
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly code = 'FAILED',
    readonly issues: string[] = [],
  ) {
    super(message);
    this.name = 'CommandFailure';
  }
}

/**
 * A mistake in how the tool was called (unknown integration or operation,
 * bad flag, unreadable payload file): exit code 2, with the valid choices.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

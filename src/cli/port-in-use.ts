import { CommandFailure } from './command-failure.js';
import { EXIT } from './exit-codes.js';

/**
 * A port another process holds is the same answer from `daemon` and
 * `simulate`: unavailable (exit 4), as a service that is not there now;
 * not a config or usage mistake. Other errors pass through unchanged.
 */
export function portInUse(err: unknown, message: string): unknown {
  const code = (err as NodeJS.ErrnoException)?.code ?? ((err as { cause?: unknown })?.cause as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EADDRINUSE' ? new CommandFailure(message, EXIT.UNAVAILABLE, 'PORT_IN_USE') : err;
}

import { userInfo } from 'node:os';

/** Who settles by hand, for the record: the OS user name, else what the environment says. */
export function osUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    // A uid with no passwd entry (containers) has no name to give.
    return env.USER ?? env.LOGNAME ?? 'unknown user';
  }
}

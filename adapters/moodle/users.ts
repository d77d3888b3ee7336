import { IntegrationError } from '../../src/core/errors.js';
import { callMoodle, type MoodleContext } from './client.js';

interface MoodleUser {
  id: number;
  username?: string;
  email?: string;
  fullname?: string;
}

/** The Moodle user id for an email address or username (core_user_get_users_by_field). */
export async function findUserId(ctx: MoodleContext, field: 'email' | 'username', value: string): Promise<number> {
  const users = await callMoodle<MoodleUser[]>(ctx, 'core_user_get_users_by_field', { field, values: [value] });
  const list = Array.isArray(users) ? users : [];
  if (list.length === 0) throw new IntegrationError('NOT_FOUND', `no Moodle user with ${field} "${value}"`, { provider: { field } });
  // Sites with allowaccountssameemail share an address between accounts: enrolling a guess would be wrong.
  if (list.length > 1) {
    throw new IntegrationError('CONFLICT', `${list.length} Moodle users have ${field} "${value}" (ids ${list.map((u) => u.id).join(', ')}); enroll by userId`, { provider: { field } });
  }
  return list[0].id;
}

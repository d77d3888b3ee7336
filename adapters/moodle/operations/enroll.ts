import { z } from 'zod';
import { defineOperation } from '../../../src/core/adapter.js';
import { callMoodle, type MoodleContext } from '../client.js';
import { findUserId } from '../users.js';

const id = z.number().int().positive();

const input = z
  .object({
    courseId: id.describe('Moodle course id'),
    userId: id.optional().describe('Moodle user id'),
    email: z.email().optional().describe('Find the user by email address instead'),
    username: z.string().trim().min(1).optional().describe('Find the user by username instead'),
    roleId: id.optional().describe('Role to assign; the config studentRoleId when omitted'),
    startsAt: z.iso.datetime({ offset: true }).optional().describe('When the enrolment starts (ISO-8601)'),
    endsAt: z.iso.datetime({ offset: true }).optional().describe('When the enrolment ends (ISO-8601)'),
    suspended: z.boolean().optional().describe('Enrol as suspended'),
  })
  .refine((v) => [v.userId, v.email, v.username].filter((x) => x !== undefined).length === 1, { message: 'give exactly one of userId, email, username' })
  .refine((v) => !v.startsAt || !v.endsAt || Date.parse(v.startsAt) < Date.parse(v.endsAt), { message: 'endsAt must be after startsAt', path: ['endsAt'] });

const unixSeconds = (iso: string | undefined) => (iso === undefined ? undefined : Math.floor(Date.parse(iso) / 1000));

/**
 * Manual enrolment (enrol_manual_enrol_users). Enrolling someone already
 * enrolled updates the existing enrolment instead of adding one, and
 * role_assign() returns an existing assignment unchanged
 * (lib/enrollib.php enrol_plugin::enrol_user, lib/accesslib.php role_assign),
 * so the same request sent twice leaves the same state: safe to retry.
 */
export const enroll = defineOperation({
  description: 'Enrol a user in a course through the manual enrolment plugin (re-enrolling updates the existing enrolment)',
  input,
  output: z.object({ courseId: z.number(), userId: z.number(), roleId: z.number(), status: z.enum(['active', 'suspended']) }),
  retry: 'safe',
  async run(ctx: MoodleContext, v) {
    const userId = v.userId ?? (v.email !== undefined ? await findUserId(ctx, 'email', v.email) : await findUserId(ctx, 'username', v.username as string));
    const roleId = v.roleId ?? ctx.config.studentRoleId;
    await callMoodle<null>(ctx, 'enrol_manual_enrol_users', {
      enrolments: [
        {
          roleid: roleId,
          userid: userId,
          courseid: v.courseId,
          timestart: unixSeconds(v.startsAt),
          timeend: unixSeconds(v.endsAt),
          suspend: v.suspended === undefined ? undefined : v.suspended ? 1 : 0,
        },
      ],
    });
    return { courseId: v.courseId, userId, roleId, status: v.suspended ? ('suspended' as const) : ('active' as const) };
  },
});

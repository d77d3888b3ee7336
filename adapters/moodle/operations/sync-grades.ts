import { z } from 'zod';
import { defineOperation } from '../../../src/core/adapter.js';
import { IntegrationError } from '../../../src/core/errors.js';
import { callMoodle, type MoodleContext } from '../client.js';

/** lib/grade/constants.php GRADE_UPDATE_*: what core_grades_update_grades returns. */
const GRADE_UPDATE = { OK: 0, FAILED: 1, MULTIPLE: 2, ITEM_LOCKED: 4 } as const;

const id = z.number().int().positive();

/**
 * Writes grades into an activity's grade item (core_grades_update_grades).
 * It sets absolute raw grades, never increments them, so sending the same
 * grades again leaves the gradebook as the first send did: safe to retry.
 * (Moodle accepts str_feedback but core_grades_update_grades drops it, so
 * feedback is not offered here.)
 */
export const syncGrades = defineOperation({
  description: "Write students' grades for an activity into the Moodle gradebook (core_grades_update_grades)",
  input: z.object({
    courseId: id.describe('Moodle course id'),
    activityId: id.describe("The activity's course module id (cmid, the id= in its URL)"),
    component: z
      .string()
      .regex(/^mod_[a-z][a-z0-9_]*$/, 'must be an activity component such as mod_assign')
      .default('mod_assign')
      .describe('The activity type, e.g. mod_assign, mod_quiz, mod_lti'),
    itemNumber: z.number().int().min(0).default(0).describe('Grade item number within the activity (0 for nearly all)'),
    grades: z
      .array(z.object({ userId: id, grade: z.number().finite() }))
      .min(1)
      .refine((g) => new Set(g.map((x) => x.userId)).size === g.length, { message: 'each userId at most once' })
      .describe('Raw grades, in the grade item\'s own range'),
  }),
  output: z.object({ courseId: z.number(), activityId: z.number(), updated: z.number().int(), status: z.literal('ok') }),
  retry: 'safe',
  async run(ctx: MoodleContext, v) {
    const result = await callMoodle<number>(ctx, 'core_grades_update_grades', {
      source: ctx.config.gradeSource,
      courseid: v.courseId,
      component: v.component,
      activityid: v.activityId,
      itemnumber: v.itemNumber,
      grades: v.grades.map((g) => ({ studentid: g.userId, grade: g.grade })),
    });
    const code = Number(result);
    if (code === GRADE_UPDATE.OK) return { courseId: v.courseId, activityId: v.activityId, updated: v.grades.length, status: 'ok' as const };
    const provider = { code: `GRADE_UPDATE_${code}`, message: '' };
    if (code === GRADE_UPDATE.ITEM_LOCKED) {
      provider.message = 'grade item is locked';
      throw new IntegrationError('CONFLICT', `Moodle refused the grades: the grade item of activity ${v.activityId} is locked`, { provider });
    }
    provider.message = code === GRADE_UPDATE.MULTIPLE ? 'more than one grade item matched' : 'grade update failed';
    throw new IntegrationError('INVALID_REQUEST', `Moodle refused the grades for activity ${v.activityId} (${v.component}, item ${v.itemNumber}): ${provider.message}`, { provider });
  },
});

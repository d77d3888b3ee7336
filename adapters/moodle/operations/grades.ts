import { z } from 'zod';
import { defineOperation } from '../../../src/core/adapter.js';
import { callMoodle, type MoodleContext } from '../client.js';

/**
 * A grade item of gradereport_user_get_grade_items (moodle/moodle
 * grade/report/user/classes/external/user.php): itemname, itemmodule,
 * iteminstance, itemnumber and graderaw allow null (the course total has no
 * name, module or number; an ungraded item no raw grade); cmid, grademin,
 * grademax, gradeformatted and gradeislocked are optional, so each is read by
 * its type and left out when it is not there.
 */
interface GradeItem {
  id: number;
  itemname?: string | null;
  itemtype: string;
  itemmodule?: string | null;
  itemnumber?: number | null;
  cmid?: number | null;
  graderaw?: number | null;
  gradeformatted?: string | null;
  grademin?: number | null;
  grademax?: number | null;
  locked?: boolean;
  gradeislocked?: boolean | null;
}

interface UserGrades {
  courseid: number;
  userid: number;
  userfullname: string;
  gradeitems: GradeItem[];
}

/** Reads the gradebook back: what syncGrades wrote, and what teachers graded. */
export const grades = defineOperation({
  description: "Read a course's grades, for every user or one (gradereport_user_get_grade_items)",
  input: z.object({ courseId: z.number().int().positive(), userId: z.number().int().positive().optional() }),
  output: z.object({
    grades: z.array(
      z.object({
        userId: z.number(),
        fullName: z.string(),
        items: z.array(
          z.object({
            itemId: z.number(),
            name: z.string().optional(),
            type: z.string(),
            module: z.string().optional(),
            activityId: z.number().optional(),
            itemNumber: z.number().optional(),
            grade: z.number().nullable(),
            formatted: z.string().optional(),
            min: z.number().optional(),
            max: z.number().optional(),
            locked: z.boolean().optional(),
          }),
        ),
      }),
    ),
  }),
  retry: 'safe',
  async run(ctx: MoodleContext, v) {
    const body = await callMoodle<{ usergrades?: UserGrades[] }>(ctx, 'gradereport_user_get_grade_items', { courseid: v.courseId, userid: v.userId ?? 0 });
    return {
      grades: (body.usergrades ?? []).map((u) => ({
        userId: u.userid,
        fullName: u.userfullname,
        items: u.gradeitems.map((i) => ({
          itemId: i.id,
          ...(i.itemname ? { name: i.itemname } : {}),
          type: i.itemtype,
          ...(i.itemmodule ? { module: i.itemmodule } : {}),
          ...(typeof i.cmid === 'number' ? { activityId: i.cmid } : {}),
          ...(typeof i.itemnumber === 'number' ? { itemNumber: i.itemnumber } : {}),
          grade: typeof i.graderaw === 'number' ? i.graderaw : null,
          ...(typeof i.gradeformatted === 'string' ? { formatted: i.gradeformatted } : {}),
          ...(typeof i.grademin === 'number' ? { min: i.grademin } : {}),
          ...(typeof i.grademax === 'number' ? { max: i.grademax } : {}),
          ...(typeof i.gradeislocked === 'boolean' ? { locked: i.gradeislocked } : {}),
        })),
      })),
    };
  },
});

import { z } from 'zod';
import { defineOperation } from '../../../src/core/adapter.js';
import { callMoodle, type MoodleContext } from '../client.js';

interface MoodleCourse {
  id: number;
  shortname: string;
  fullname: string;
  displayname?: string;
  categoryid?: number;
  idnumber?: string;
  format?: string;
  visible?: number;
  startdate?: number;
  enddate?: number;
}

const isoFromUnix = (s: number | undefined) => (s ? new Date(s * 1000).toISOString() : undefined);

export const courses = defineOperation({
  description: 'List courses (core_course_get_courses), all of them or the ids given',
  input: z.object({ ids: z.array(z.number().int().positive()).min(1).optional().describe('Only these course ids') }).default({}),
  output: z.object({
    courses: z.array(
      z.object({
        id: z.number(),
        shortName: z.string(),
        fullName: z.string(),
        categoryId: z.number().optional(),
        idNumber: z.string().optional(),
        visible: z.boolean(),
        startsAt: z.string().optional(),
        endsAt: z.string().optional(),
      }),
    ),
  }),
  retry: 'safe',
  async run(ctx: MoodleContext, v) {
    const list = await callMoodle<MoodleCourse[]>(ctx, 'core_course_get_courses', v.ids ? { options: { ids: v.ids } } : {});
    return {
      courses: (Array.isArray(list) ? list : [])
        // The front page is course 1 with format "site": nobody enrols in it.
        .filter((c) => c.format !== 'site')
        .map((c) => ({
          id: c.id,
          shortName: c.shortname,
          fullName: c.fullname,
          ...(c.categoryid !== undefined ? { categoryId: c.categoryid } : {}),
          ...(c.idnumber ? { idNumber: c.idnumber } : {}),
          visible: c.visible !== 0,
          ...(isoFromUnix(c.startdate) ? { startsAt: isoFromUnix(c.startdate) } : {}),
          ...(isoFromUnix(c.enddate) ? { endsAt: isoFromUnix(c.enddate) } : {}),
        })),
    };
  },
});

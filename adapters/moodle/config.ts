import { z } from 'zod';
import { secret } from '../../src/core/fields.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/**
 * Every Moodle is self-hosted, so there is no provider-wide host to default
 * to: `baseUrl` is the site's own address. MoodleHQ's public sandbox resets
 * every hour and is listed only as the place to try the adapter out.
 */
export const MOODLE_BASE_URLS = { sandbox: 'https://sandbox.moodledemo.net' } as const;

export const moodleConfigSchema = z.object({
  baseUrl: httpUrl.describe('The Moodle site, e.g. https://lms.example.edu (with its subfolder when Moodle lives in one)'),
  wstoken: secret(z.string().min(1), 'Web service token of the integration user (Site administration > Server > Web services > Manage tokens)'),
  studentRoleId: z.number().int().positive().default(5).describe('Role that enroll assigns when none is given (5 is "student" on a standard install)'),
  gradeSource: z.string().min(1).max(100).default('integrations').describe('Source recorded in the grade history for grades written by syncGrades'),
});

export type MoodleConfig = z.output<typeof moodleConfigSchema>;

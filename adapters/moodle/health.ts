import type { HealthResult } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import { callMoodle, type MoodleContext } from './client.js';

interface SiteInfo {
  sitename: string;
  username: string;
  userid: number;
  release?: string;
  functions?: { name: string; version?: string }[];
}

/** The web service functions the operations call; a service missing one fails that operation with accessexception. */
export const REQUIRED_FUNCTIONS = [
  'enrol_manual_enrol_users',
  'core_course_get_courses',
  'core_grades_update_grades',
  'gradereport_user_get_grade_items',
] as const;

async function siteInfo(ctx: MoodleContext): Promise<{ info: SiteInfo; missing: string[]; lookup: boolean }> {
  const info = await callMoodle<SiteInfo>(ctx, 'core_webservice_get_site_info');
  const offered = new Set((info.functions ?? []).map((f) => f.name));
  return { info, missing: REQUIRED_FUNCTIONS.filter((f) => !offered.has(f)), lookup: offered.has(LOOKUP_FUNCTION) };
}

/** Only enroll by email or username needs it. */
const LOOKUP_FUNCTION = 'core_user_get_users_by_field';

/** core_webservice_get_site_info: one cheap call proves the site, the token, and which functions its service allows. */
export async function moodleHealth(ctx: MoodleContext): Promise<HealthResult> {
  try {
    const { info, missing, lookup } = await siteInfo(ctx);
    const who = `${info.sitename} as ${info.username}`;
    if (missing.length) return { status: 'degraded', message: `${who}; the token's service lacks ${missing.join(', ')}` };
    const note = lookup ? '' : `; enroll by email or username needs ${LOOKUP_FUNCTION} in the service`;
    return { status: 'healthy', message: `${who}${info.release ? ` (Moodle ${info.release})` : ''}${note}` };
  } catch (err) {
    if (err instanceof IntegrationError) return { status: 'unhealthy', message: `${err.category}: ${err.message}` };
    throw err;
  }
}

export async function moodleSelfTest(ctx: MoodleContext): Promise<string> {
  const { info, missing, lookup } = await siteInfo(ctx);
  if (missing.length) {
    throw new IntegrationError('AUTHENTICATION_FAILED', `the token works, but its web service does not include ${missing.join(', ')}: add them to the service in Site administration > Server > Web services`, {
      provider: { code: 'accessexception' },
    });
  }
  const list = await callMoodle<unknown[]>(ctx, 'core_course_get_courses');
  return `${info.sitename} accepted the token of ${info.username} (user ${info.userid}); all ${REQUIRED_FUNCTIONS.length} functions the operations need are allowed${lookup ? '' : ` (not ${LOOKUP_FUNCTION}: enroll by userId only)`}; ${Array.isArray(list) ? list.length : 0} courses visible`;
}

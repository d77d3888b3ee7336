import { ASSIGNABLE_ROLES, type SimActivity, type SimCourse, type SimEnrolment, type SimUser } from './simulator-data.js';

/** What a web service function throws: rendered as Moodle's exception body (HTTP 200). */
export class SimException extends Error {
  constructor(
    readonly exception: string,
    readonly errorcode: string,
    message: string,
    readonly debuginfo?: string,
  ) {
    super(message);
  }
}

export interface SiteState {
  sitename: string;
  users: SimUser[];
  courses: SimCourse[];
  activities: SimActivity[];
  /** By `${courseId}:${userId}`. */
  enrolments: Map<string, SimEnrolment>;
  /** By `${cmid}:${itemNumber}:${userId}`. */
  grades: Map<string, { grade: number; source: string; modifiedAt: number }>;
  serviceUser: SimUser;
  functions: string[];
  now(): number;
}

type Params = Record<string, unknown>;

function invalidParameter(path: string, why: string): SimException {
  return new SimException('invalid_parameter_exception', 'invalidparameter', 'Invalid parameter value detected', `${path} => Invalid parameter value detected (${why})`);
}

/** PARAM_INT as validate_parameters() reads it. */
function int(params: Params, key: string, path = key, fallback?: number): number {
  const raw = params[key];
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw invalidParameter(path, `Missing required key in single structure: ${key}`);
  }
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw)) throw invalidParameter(path, `Invalid external api parameter: the value is "${String(raw)}", the server was expecting "int" type`);
  return Number(raw);
}

function float(params: Params, key: string, path: string): number {
  const raw = params[key];
  if (raw === undefined) throw invalidParameter(path, `Missing required key in single structure: ${key}`);
  if (typeof raw !== 'string' || !/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) throw invalidParameter(path, `Invalid external api parameter: the value is "${String(raw)}", the server was expecting "float" type`);
  return Number(raw);
}

function list(params: Params, key: string, required: boolean): Params[] {
  const raw = params[key];
  if (raw === undefined) {
    if (required) throw invalidParameter(key, `Missing required key in single structure: ${key}`);
    return [];
  }
  if (!Array.isArray(raw)) throw invalidParameter(key, 'Only arrays accepted.');
  return raw as Params[];
}

const missingRecord = (table: string) => new SimException('dml_missing_record_exception', 'invalidrecord', `Can't find data record in database table ${table}.`);

function course(site: SiteState, id: number): SimCourse {
  const found = site.courses.find((c) => c.id === id);
  if (!found) throw missingRecord('course');
  return found;
}

const fullname = (u: SimUser) => `${u.firstname} ${u.lastname}`;

export const FUNCTIONS: Record<string, (site: SiteState, p: Params) => unknown> = {
  core_webservice_get_site_info(site) {
    const u = site.serviceUser;
    return {
      sitename: site.sitename,
      username: u.username,
      firstname: u.firstname,
      lastname: u.lastname,
      fullname: fullname(u),
      lang: 'en',
      userid: u.id,
      siteurl: 'https://lms.example.edu',
      userpictureurl: 'https://lms.example.edu/theme/image.php/boost/core/1/u/f1',
      functions: site.functions.map((name) => ({ name, version: '2024100700' })),
      downloadfiles: 0,
      uploadfiles: 0,
      release: '4.5 (Build: 20241007)',
      version: '2024100700',
    };
  },

  enrol_manual_enrol_users(site, p) {
    const enrolments = list(p, 'enrolments', true);
    // Moodle runs them in one delegated transaction: all or nothing.
    const staged: SimEnrolment[] = [];
    enrolments.forEach((e, i) => {
      const path = `enrolments => ${i}`;
      const roleId = int(e, 'roleid', path);
      const userId = int(e, 'userid', path);
      const courseId = int(e, 'courseid', path);
      const c = site.courses.find((x) => x.id === courseId);
      // context_course::instance(…, IGNORE_MISSING) then validate_context(false).
      if (!c) throw new SimException('invalid_parameter_exception', 'invalidparameter', 'Invalid parameter value detected', 'Context does not exist');
      if (!ASSIGNABLE_ROLES.has(roleId)) {
        throw new SimException('moodle_exception', 'wsusercannotassign', `You don't have the permission to assign this role (${roleId}) to this user (${userId}) in this course(${courseId}).`);
      }
      if (!c.manualEnrol) throw new SimException('moodle_exception', 'wsnoinstance', `Manual enrolment plugin instance doesn't exist or is disabled for the course (id = ${courseId})`);
      if (!site.users.some((u) => u.id === userId)) {
        throw new SimException('coding_exception', 'codingerror', 'Coding error detected, it must be fixed by a programmer: User ID does not exist or is deleted!');
      }
      const suspend = e.suspend === undefined ? 0 : int(e, 'suspend', path);
      staged.push({ userId, courseId, roleId, status: suspend ? 1 : 0, timestart: int(e, 'timestart', path, 0), timeend: int(e, 'timeend', path, 0) });
    });
    for (const e of staged) site.enrolments.set(`${e.courseId}:${e.userId}`, e);
    return null;
  },

  core_user_get_users_by_field(site, p) {
    const field = typeof p.field === 'string' ? p.field : undefined;
    if (!field) throw invalidParameter('field', 'Missing required key in single structure: field');
    if (!['id', 'idnumber', 'username', 'email'].includes(field)) throw invalidParameter('field', `The search field '${field}' is not supported, look at the web service documentation`);
    const values = list(p, 'values', true).map(String);
    const matches = site.users.filter((u) => values.some((v) => (field === 'id' ? String(u.id) === v : field === 'idnumber' ? false : u[field as 'username' | 'email'].toLowerCase() === v.toLowerCase())));
    return matches.map((u) => ({ id: u.id, username: u.username, firstname: u.firstname, lastname: u.lastname, fullname: fullname(u), email: u.email, confirmed: true, suspended: false }));
  },

  core_course_get_courses(site, p) {
    const options = (p.options ?? {}) as Params;
    const ids = options.ids === undefined ? undefined : list(options, 'ids', false).map((v, i) => int({ v }, 'v', `options => ids => ${i}`));
    return site.courses
      .filter((c) => !ids || ids.includes(c.id))
      .map((c) => ({
        id: c.id,
        shortname: c.shortname,
        categoryid: c.categoryid,
        fullname: c.fullname,
        displayname: c.fullname,
        idnumber: c.idnumber,
        summary: '',
        summaryformat: 1,
        format: c.format,
        startdate: c.startdate,
        enddate: c.enddate,
        visible: c.visible,
      }));
  },

  gradereport_user_get_grade_items(site, p) {
    const courseId = int(p, 'courseid');
    const userId = int(p, 'userid', 'userid', 0);
    const c = course(site, courseId);
    const enrolled = [...site.enrolments.values()].filter((e) => e.courseId === courseId).map((e) => e.userId);
    const userIds = userId ? [userId] : enrolled.sort((a, b) => a - b);
    const activities = site.activities.filter((a) => a.courseId === courseId);
    return {
      usergrades: userIds.map((uid) => {
        const u = site.users.find((x) => x.id === uid);
        if (!u) throw missingRecord('user');
        const items = activities.map((a, i) => {
          const g = site.grades.get(`${a.cmid}:${a.itemNumber}:${uid}`);
          return {
            id: 100 + a.cmid,
            itemname: a.name,
            itemtype: 'mod',
            itemmodule: a.module,
            iteminstance: a.instance,
            itemnumber: a.itemNumber,
            idnumber: '',
            categoryid: null,
            outcomeid: null,
            scaleid: null,
            locked: a.locked,
            cmid: a.cmid,
            weightraw: 1 / activities.length,
            graderaw: g ? g.grade : null,
            gradedatesubmitted: null,
            gradedategraded: g ? Math.floor(g.modifiedAt / 1000) : null,
            gradehiddenbydate: false,
            gradeneedsupdate: false,
            gradeishidden: false,
            gradeislocked: a.locked,
            gradeformatted: g ? g.grade.toFixed(2) : '-',
            grademin: 0,
            grademax: a.grademax,
            rangeformatted: `0.00&ndash;${a.grademax.toFixed(2)}`,
            percentageformatted: g ? `${((g.grade / a.grademax) * 100).toFixed(2)} %` : '-',
            feedback: '',
            feedbackformat: 0,
            sortorder: i + 2,
          };
        });
        const total = items.reduce((sum, item) => sum + (item.graderaw ?? 0), 0);
        return {
          courseid: c.id,
          courseidnumber: c.idnumber,
          userid: u.id,
          userfullname: fullname(u),
          useridnumber: '',
          maxdepth: 2,
          gradeitems: [
            ...items,
            { id: 100, itemname: null, itemtype: 'course', itemmodule: null, iteminstance: c.id, itemnumber: null, idnumber: '', categoryid: 1, outcomeid: null, scaleid: null, locked: false, graderaw: items.some((x) => x.graderaw !== null) ? total : null, gradeformatted: items.some((x) => x.graderaw !== null) ? total.toFixed(2) : '-', grademin: 0, grademax: activities.reduce((s, a) => s + a.grademax, 0), feedback: '', feedbackformat: 0 },
          ],
        };
      }),
      warnings: [],
    };
  },

  core_grades_update_grades(site, p) {
    const source = typeof p.source === 'string' ? p.source : undefined;
    if (source === undefined) throw invalidParameter('source', 'Missing required key in single structure: source');
    const courseId = int(p, 'courseid');
    const component = typeof p.component === 'string' ? p.component : '';
    if (!component) throw invalidParameter('component', 'Missing required key in single structure: component');
    const activityId = int(p, 'activityid');
    const itemNumber = int(p, 'itemnumber');
    const grades = list(p, 'grades', false).map((g, i) => ({ userId: int(g, 'studentid', `grades => ${i}`), grade: float(g, 'grade', `grades => ${i}`) }));
    const module = component.replace(/^mod_/, '');
    const cm = site.activities.find((a) => a.cmid === activityId && a.module === module);
    if (!cm) throw new SimException('moodle_exception', 'invalidcoursemodule', 'Invalid course module ID');
    course(site, courseId);
    // grade_update() finds no grade item for another course or item number: GRADE_UPDATE_FAILED.
    if (cm.courseId !== courseId || cm.itemNumber !== itemNumber) return 1;
    if (cm.locked) return 4;
    for (const g of grades) site.grades.set(`${cm.cmid}:${itemNumber}:${g.userId}`, { grade: Math.min(Math.max(g.grade, 0), cm.grademax), source, modifiedAt: site.now() });
    return 0;
  },
};

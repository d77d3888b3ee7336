import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import moodle from '../../adapters/moodle/index.js';
import { callMoodle } from '../../adapters/moodle/client.js';
import { startMoodleSimulator, type MoodleSimulator } from '../../adapters/moodle/simulator.js';
import { harness, type Harness } from './payment-adapter-harness.js';
import { failure } from './expect-failure.js';

const ENROL = 'enrol_manual_enrol_users';

describe('moodle adapter against its simulator', () => {
  let sim: MoodleSimulator;
  let h: Harness;
  let clock: ManualClock;

  async function setup(options: Parameters<typeof startMoodleSimulator>[0] = {}, timeoutMs?: number) {
    clock = new ManualClock();
    sim = await startMoodleSimulator({ clock, ...options });
    h = harness(moodle, sim.config, { clock, timeoutMs });
  }

  afterEach(async () => {
    await sim?.close();
    await h?.close();
  });

  describe('with the default site', () => {
    beforeEach(() => setup());

    it('enrols by user id: token in the POST body, parameters flattened, function and format in the query', async () => {
      const out = await h.run('enroll', { courseId: 2, userId: 3 });
      expect(out).toEqual({ courseId: 2, userId: 3, roleId: 5, status: 'active' });
      expect(sim.site.enrolments.get('2:3')).toMatchObject({ roleId: 5, status: 0, timestart: 0, timeend: 0 });
      const [call] = sim.calls(ENROL);
      expect(call.query).toEqual({ wsfunction: ENROL, moodlewsrestformat: 'json' });
      expect(call.parsed).toEqual({ wstoken: sim.token, 'enrolments[0][roleid]': '5', 'enrolments[0][userid]': '3', 'enrolments[0][courseid]': '2' });
    });

    it('enrols by email or username, with dates, role and suspension', async () => {
      const out = await h.run('enroll', { courseId: 3, email: 'Brian.Kiptoo@students.example.edu', roleId: 4, startsAt: '2026-02-01T00:00:00Z', endsAt: '2026-06-30T00:00:00Z', suspended: true });
      expect(out).toEqual({ courseId: 3, userId: 4, roleId: 4, status: 'suspended' });
      expect(sim.site.enrolments.get('3:4')).toEqual({ userId: 4, courseId: 3, roleId: 4, status: 1, timestart: Date.UTC(2026, 1, 1) / 1000, timeend: Date.UTC(2026, 5, 30) / 1000 });
      expect((await h.run('enroll', { courseId: 3, username: 'chen' })).userId).toBe(5);
    });

    it('enrolling again is harmless: one enrolment, updated in place (why enroll is declared safe)', async () => {
      await h.run('enroll', { courseId: 2, userId: 3 });
      await h.run('enroll', { courseId: 2, userId: 3, suspended: true });
      expect([...sim.site.enrolments.keys()]).toEqual(['2:3']);
      expect(sim.site.enrolments.get('2:3')?.status).toBe(1);
      expect(moodle.operations.enroll.retry).toBe('safe');
    });

    it('refuses ambiguous and unknown users before enrolling anyone', async () => {
      const shared = await failure(h.run('enroll', { courseId: 2, email: 'shared@students.example.edu' }));
      expect(shared.category).toBe('CONFLICT');
      expect(shared.message).toMatch(/ids 6, 7/);
      expect((await failure(h.run('enroll', { courseId: 2, username: 'nobody' }))).category).toBe('NOT_FOUND');
      expect(sim.calls(ENROL)).toHaveLength(0);
      expect(() => moodle.operations.enroll.input.parse({ courseId: 2, userId: 3, email: 'a@b.co' })).toThrow(/exactly one/);
    });

    it('lists courses without the front page, or only the ids asked for', async () => {
      const all = await h.run('courses', {});
      expect(all.courses.map((c: { shortName: string }) => c.shortName)).toEqual(['BIO101', 'CHEM201', 'OPEN100']);
      expect(all.courses[0]).toEqual({ id: 2, shortName: 'BIO101', fullName: 'Introduction to Biology', categoryId: 1, idNumber: 'BIO-101-2026', visible: true, startsAt: '2026-01-05T00:00:00.000Z', endsAt: '2026-05-05T00:00:00.000Z' });
      expect(all.courses[2].visible).toBe(false);
      const some = await h.run('courses', { ids: [3] });
      expect(some.courses.map((c: { id: number }) => c.id)).toEqual([3]);
      expect(sim.calls('core_course_get_courses')[1].parsed).toMatchObject({ 'options[ids][0]': '3' });
    });

    it('syncs grades into the gradebook and reads them back', async () => {
      await h.run('enroll', { courseId: 2, userId: 3 });
      await h.run('enroll', { courseId: 2, userId: 4 });
      const out = await h.run('syncGrades', { courseId: 2, activityId: 21, grades: [{ userId: 3, grade: 87.5 }, { userId: 4, grade: 64 }] });
      expect(out).toEqual({ courseId: 2, activityId: 21, updated: 2, status: 'ok' });
      expect(sim.calls('core_grades_update_grades')[0].parsed).toMatchObject({
        source: 'integrations',
        courseid: '2',
        component: 'mod_assign',
        activityid: '21',
        itemnumber: '0',
        'grades[0][studentid]': '3',
        'grades[0][grade]': '87.5',
        'grades[1][studentid]': '4',
      });
      const read = await h.run('grades', { courseId: 2 });
      expect(read.grades.map((g: { userId: number }) => g.userId)).toEqual([3, 4]);
      const essay = read.grades[0].items.find((i: { activityId?: number }) => i.activityId === 21);
      expect(essay).toMatchObject({ grade: 87.5, type: 'mod', module: 'assign', max: 100, name: 'Lab report 1' });
      // The course total answers itemname, itemmodule and itemnumber null (allowed by the external function's description): read as absent.
      const total = read.grades[0].items.find((i: { type: string }) => i.type === 'course');
      expect(total).toMatchObject({ itemId: 100, type: 'course', max: 110 });
      for (const absent of ['name', 'module', 'activityId', 'itemNumber']) expect(total).not.toHaveProperty(absent);
      const one = await h.run('grades', { courseId: 2, userId: 4 });
      expect(one.grades).toHaveLength(1);
      expect(one.grades[0].items.find((i: { activityId?: number }) => i.activityId === 21).grade).toBe(64);
      // Sending the same grades again leaves the same gradebook.
      await h.run('syncGrades', { courseId: 2, activityId: 21, grades: [{ userId: 3, grade: 87.5 }] });
      expect(sim.site.grades.get('21:0:3')?.grade).toBe(87.5);
    });

    it('maps a locked grade item to CONFLICT and a grade item that does not match to INVALID_REQUEST', async () => {
      sim.lockActivity(22);
      const locked = await failure(h.run('syncGrades', { courseId: 2, activityId: 22, component: 'mod_quiz', grades: [{ userId: 3, grade: 9 }] }));
      expect(locked).toMatchObject({ category: 'CONFLICT', provider: { code: 'GRADE_UPDATE_4' } });
      const wrongItem = await failure(h.run('syncGrades', { courseId: 2, activityId: 21, itemNumber: 1, grades: [{ userId: 3, grade: 9 }] }));
      expect(wrongItem).toMatchObject({ category: 'INVALID_REQUEST', provider: { code: 'GRADE_UPDATE_1' } });
      expect(sim.site.grades.size).toBe(0);
    });

    it('maps exceptions that arrive as HTTP 200, keeping Moodle\'s errorcode and message', async () => {
      const noRole = await failure(h.run('enroll', { courseId: 2, userId: 3, roleId: 1 }));
      expect(noRole).toMatchObject({ category: 'AUTHENTICATION_FAILED', provider: { status: 200, code: 'wsusercannotassign' } });
      const noInstance = await failure(h.run('enroll', { courseId: 4, userId: 3 }));
      expect(noInstance).toMatchObject({ category: 'INVALID_REQUEST', provider: { status: 200, code: 'wsnoinstance' } });
      const noUser = await failure(h.run('enroll', { courseId: 2, userId: 999 }));
      expect(noUser).toMatchObject({ category: 'NOT_FOUND', provider: { code: 'codingerror' } });
      const noCourse = await failure(h.run('grades', { courseId: 99 }));
      expect(noCourse).toMatchObject({ category: 'NOT_FOUND', provider: { code: 'invalidrecord', message: "Can't find data record in database table course." } });
      const noActivity = await failure(h.run('syncGrades', { courseId: 2, activityId: 999, grades: [{ userId: 3, grade: 1 }] }));
      expect(noActivity).toMatchObject({ category: 'NOT_FOUND', provider: { code: 'invalidcoursemodule' } });
      expect(sim.site.enrolments.size).toBe(0);
    });

    it('maps a revoked token to AUTHENTICATION_FAILED and never puts the token in an error', async () => {
      sim.revokeToken();
      const err = await failure(h.run('courses', {}));
      expect(err).toMatchObject({ category: 'AUTHENTICATION_FAILED', provider: { status: 200, code: 'invalidtoken', message: 'Invalid token - token not found' } });
      expect(JSON.stringify({ ...err.toJSON(), details: err.details })).not.toContain(sim.token);
    });

    it('maps invalidparameter to VALIDATION_FAILED without debuginfo (production sites)', async () => {
      const err = await failure(callMoodle(h.ctx() as never, 'core_grades_update_grades', { source: 'x', component: 'mod_assign', activityid: 21, itemnumber: 0 }));
      expect(err).toMatchObject({ category: 'VALIDATION_FAILED', provider: { code: 'invalidparameter' } });
      expect(err.provider?.field).toBeUndefined();
    });

    it('reports health from core_webservice_get_site_info, and the self-test names the site', async () => {
      expect(await moodle.health!(h.ctx() as never)).toMatchObject({ status: 'healthy', message: expect.stringContaining('Simulated Campus Moodle as integrations') });
      expect(await moodle.selfTest!(h.ctx() as never)).toMatch(/accepted the token of integrations \(user 2\); all 4 functions .* 4 courses visible/);
      expect(sim.calls('core_webservice_get_site_info')).toHaveLength(2);
      sim.revokeToken();
      expect(await moodle.health!(h.ctx() as never)).toMatchObject({ status: 'unhealthy', message: expect.stringMatching(/^AUTHENTICATION_FAILED/) });
    });

    it('honours a 429 Retry-After through the executor, then succeeds', async () => {
      sim.failNext({ kind: 'rate-limit', retryAfterSeconds: 3 });
      const out = await h.executor.execute(h.integration.name, 'courses', {});
      expect(out.ok).toBe(true);
      expect(out.attempts).toBe(2);
      expect(clock.sleeps).toEqual([3000]);
    });

    it('retries a 500 on a safe operation and reports SERVER_ERROR when it persists', async () => {
      sim.failNext({ kind: 'status', status: 500 }, 3);
      const out = await h.executor.execute(h.integration.name, 'courses', {});
      expect(out.ok).toBe(false);
      if (!out.ok) expect(out.error.category).toBe('SERVER_ERROR');
      expect(out.attempts).toBe(3);
      expect(sim.calls('core_course_get_courses')).toHaveLength(3);
    });

    it('answers in Moodle XML when the format is not json, errors included', async () => {
      const ok = await fetch(`${sim.url}/webservice/rest/server.php?wsfunction=core_course_get_courses`, { method: 'POST', body: new URLSearchParams({ wstoken: sim.token, 'options[ids][0]': '2' }) });
      expect(await ok.text()).toContain('<KEY name="shortname"><VALUE>BIO101</VALUE>');
      const bad = await fetch(`${sim.url}/webservice/rest/server.php?wsfunction=core_course_get_courses&wstoken=nope`);
      expect(bad.status).toBe(200);
      expect(await bad.text()).toContain('<EXCEPTION class="moodle_exception">\n<ERRORCODE>invalidtoken</ERRORCODE>');
    });

    it('keeps the token out of the operation log', async () => {
      await h.executor.execute(h.integration.name, 'enroll', { courseId: 2, userId: 3 });
      sim.revokeToken();
      await h.executor.execute(h.integration.name, 'enroll', { courseId: 2, userId: 4 });
      const rows = JSON.stringify(await h.store.logs.query({}));
      expect(rows).toContain('AUTHENTICATION_FAILED');
      expect(rows).not.toContain(sim.token);
    });
  });

  it('names the parameter at fault when the site has debugging on', async () => {
    await setup({ debug: true });
    const err = await failure(callMoodle(h.ctx() as never, 'core_grades_update_grades', { source: 'x', component: 'mod_assign', activityid: 21, itemnumber: 0 }));
    expect(err).toMatchObject({ category: 'VALIDATION_FAILED', provider: { code: 'invalidparameter', field: 'courseid' } });
    expect(err.details).toMatchObject({ debuginfo: expect.stringContaining('Missing required key in single structure: courseid') });
  });

  it('maps a function outside the token\'s service to AUTHENTICATION_FAILED and reports health degraded', async () => {
    await setup({ functions: ['core_webservice_get_site_info', 'core_course_get_courses'] });
    const err = await failure(h.run('enroll', { courseId: 2, userId: 3 }));
    expect(err).toMatchObject({ category: 'AUTHENTICATION_FAILED', provider: { code: 'accessexception', message: 'Access control exception' } });
    const health = await moodle.health!(h.ctx() as never);
    expect(health.status).toBe('degraded');
    expect(health.message).toMatch(/lacks enrol_manual_enrol_users, core_grades_update_grades, gradereport_user_get_grade_items/);
    await expect(moodle.selfTest!(h.ctx() as never)).rejects.toMatchObject({ category: 'AUTHENTICATION_FAILED' });
  });

  it('retries a stalled safe call after the executor times it out, and the enrolment happens once', async () => {
    await setup({}, 300);
    sim.failNext({ kind: 'stall' }, 1);
    const out = await h.executor.execute(h.integration.name, 'enroll', { courseId: 2, userId: 5 });
    expect(out.ok).toBe(true);
    expect(out.attempts).toBe(2);
    expect(sim.calls(ENROL)).toHaveLength(2);
    expect([...sim.site.enrolments.keys()]).toEqual(['2:5']);
  });
});

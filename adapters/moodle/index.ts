import { defineAdapter } from '../../src/core/adapter.js';
import { MOODLE_BASE_URLS, moodleConfigSchema } from './config.js';
import { enroll } from './operations/enroll.js';
import { courses } from './operations/courses.js';
import { syncGrades } from './operations/sync-grades.js';
import { grades } from './operations/grades.js';
import { moodleHealth, moodleSelfTest } from './health.js';
import { startMoodleSimulator } from './simulator.js';

export default defineAdapter({
  name: 'moodle',
  kind: 'lms',
  description: 'Moodle web services (REST): manual enrolments, courses, and grades written to and read from the gradebook',
  config: moodleConfigSchema,
  baseUrls: MOODLE_BASE_URLS,
  operations: { enroll, courses, syncGrades, grades },
  health: moodleHealth,
  selfTest: moodleSelfTest,
  simulator: { start: startMoodleSimulator },
});

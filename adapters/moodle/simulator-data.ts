/** The little Moodle site the simulator serves: users, courses, activities, enrolments, grades. */
export interface SimUser {
  id: number;
  username: string;
  email: string;
  firstname: string;
  lastname: string;
}

export interface SimCourse {
  id: number;
  shortname: string;
  fullname: string;
  categoryid: number;
  format: string;
  visible: number;
  startdate: number;
  enddate: number;
  idnumber: string;
  /** Whether the course has an enabled manual enrolment instance. */
  manualEnrol: boolean;
}

export interface SimActivity {
  cmid: number;
  courseId: number;
  module: string;
  instance: number;
  name: string;
  grademax: number;
  itemNumber: number;
  locked: boolean;
}

export interface SimEnrolment {
  userId: number;
  courseId: number;
  roleId: number;
  status: 0 | 1;
  timestart: number;
  timeend: number;
}

export const SERVICE_USER: SimUser = { id: 2, username: 'integrations', email: 'integrations@lms.example.edu', firstname: 'Integrations', lastname: 'Service' };

export function seedUsers(): SimUser[] {
  return [
    SERVICE_USER,
    { id: 3, username: 'amina', email: 'amina.odhiambo@students.example.edu', firstname: 'Amina', lastname: 'Odhiambo' },
    { id: 4, username: 'brian', email: 'brian.kiptoo@students.example.edu', firstname: 'Brian', lastname: 'Kiptoo' },
    { id: 5, username: 'chen', email: 'chen.wei@students.example.edu', firstname: 'Chen', lastname: 'Wei' },
    // Two accounts may share an address on sites with allowaccountssameemail.
    { id: 6, username: 'dana1', email: 'shared@students.example.edu', firstname: 'Dana', lastname: 'One' },
    { id: 7, username: 'dana2', email: 'shared@students.example.edu', firstname: 'Dana', lastname: 'Two' },
  ];
}

const JAN_2026 = Date.UTC(2026, 0, 5) / 1000;

export function seedCourses(): SimCourse[] {
  return [
    { id: 1, shortname: 'Campus', fullname: 'Simulated Campus', categoryid: 0, format: 'site', visible: 1, startdate: 0, enddate: 0, idnumber: '', manualEnrol: false },
    { id: 2, shortname: 'BIO101', fullname: 'Introduction to Biology', categoryid: 1, format: 'topics', visible: 1, startdate: JAN_2026, enddate: JAN_2026 + 120 * 86400, idnumber: 'BIO-101-2026', manualEnrol: true },
    { id: 3, shortname: 'CHEM201', fullname: 'Organic Chemistry', categoryid: 1, format: 'weeks', visible: 1, startdate: JAN_2026, enddate: 0, idnumber: '', manualEnrol: true },
    // Self-enrolment only: the manual plugin has no instance here.
    { id: 4, shortname: 'OPEN100', fullname: 'Open Study Skills', categoryid: 2, format: 'topics', visible: 0, startdate: JAN_2026, enddate: 0, idnumber: '', manualEnrol: false },
  ];
}

export function seedActivities(): SimActivity[] {
  return [
    { cmid: 21, courseId: 2, module: 'assign', instance: 1, name: 'Lab report 1', grademax: 100, itemNumber: 0, locked: false },
    { cmid: 22, courseId: 2, module: 'quiz', instance: 1, name: 'Cells quiz', grademax: 10, itemNumber: 0, locked: false },
    { cmid: 31, courseId: 3, module: 'assign', instance: 2, name: 'Synthesis essay', grademax: 50, itemNumber: 0, locked: false },
  ];
}

/** Roles the service user may assign in a course: editing teacher, teacher, student (not manager, 1). */
export const ASSIGNABLE_ROLES = new Set([3, 4, 5]);

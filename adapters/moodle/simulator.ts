import { randomBytes } from 'node:crypto';
import type { SimulatorOptions } from '../../src/core/adapter.js';
import { ProviderSimulator } from '../../src/core/provider-simulator.js';
import type { RecordedRequest, SimReply, SimRequest } from '../../src/core/simulator.js';
import { REST_PATH } from './client.js';
import { unflattenParams } from './params.js';
import { FUNCTIONS, SimException, type SiteState } from './simulator-functions.js';
import { SERVICE_USER, seedActivities, seedCourses, seedUsers } from './simulator-data.js';
import { xmlException, xmlResponse } from './simulator-xml.js';

export interface MoodleSimulatorOptions extends SimulatorOptions {
  /** Functions the token's external service allows; all that the simulator knows when omitted. */
  functions?: string[];
  /** Debugging on: exceptions carry debuginfo (which names the bad parameter). */
  debug?: boolean;
}

/**
 * A local Moodle REST server (webservice/rest/server.php): token check,
 * the external service's function list, the functions the adapter calls
 * over a small in-memory site, and Moodle's habit of answering errors with
 * HTTP 200 and an exception body (XML when moodlewsrestformat is not json).
 */
export class MoodleSimulator extends ProviderSimulator {
  readonly site: SiteState;
  private tokens = new Set<string>();
  readonly token = randomBytes(16).toString('hex');

  constructor(private readonly options: MoodleSimulatorOptions = {}) {
    super(options);
    this.tokens.add(this.token);
    this.site = {
      sitename: 'Simulated Campus Moodle',
      users: seedUsers(),
      courses: seedCourses(),
      activities: seedActivities(),
      enrolments: new Map(),
      grades: new Map(),
      serviceUser: SERVICE_USER,
      functions: options.functions ?? Object.keys(FUNCTIONS),
      now: () => this.clock.now(),
    };
    this.server.route('POST', REST_PATH, (req) => this.handle(req)).route('GET', REST_PATH, (req) => this.handle(req));
  }

  protected onListening(url: string): void {
    this.config = { baseUrl: url, wstoken: this.token };
  }

  /** The web service calls received, by function name. */
  calls(wsfunction?: string): RecordedRequest[] {
    return this.server.received(REST_PATH).filter((r) => !wsfunction || r.query.wsfunction === wsfunction);
  }

  /** The administrator deleted the token (Manage tokens). */
  revokeToken(): void {
    this.tokens.clear();
  }

  lockActivity(cmid: number): void {
    const a = this.site.activities.find((x) => x.cmid === cmid);
    if (a) a.locked = true;
  }

  private handle(req: SimRequest): SimReply {
    const form = req.method === 'POST' && req.parsed && typeof req.parsed === 'object' ? (req.parsed as Record<string, string>) : {};
    // Moodle's optional_param() reads POST before GET.
    const flat = { ...req.query, ...form };
    const json = flat.moodlewsrestformat === 'json';
    try {
      if (!flat.wstoken || !this.tokens.has(flat.wstoken)) throw new SimException('moodle_exception', 'invalidtoken', 'Invalid token - token not found');
      const fn = FUNCTIONS[flat.wsfunction ?? ''];
      if (!fn) throw new SimException('dml_missing_record_exception', 'invalidrecord', "Can't find data record in database table external_functions.");
      if (!this.site.functions.includes(flat.wsfunction as string)) throw new SimException('webservice_access_exception', 'accessexception', 'Access control exception');
      const { wstoken: _t, wsfunction: _f, moodlewsrestformat: _r, ...rest } = flat;
      const result = fn(this.site, unflattenParams(rest));
      return json ? { body: JSON.stringify(result ?? null), headers: { 'content-type': 'application/json' } } : { body: xmlResponse(result ?? null), headers: { 'content-type': 'application/xml; charset=utf-8' } };
    } catch (err) {
      if (!(err instanceof SimException)) throw err;
      const e = { exception: err.exception, errorcode: err.errorcode, message: err.message, ...(this.options.debug && err.debuginfo ? { debuginfo: err.debuginfo } : {}) };
      // HTTP 200, as Moodle sends every web service error.
      return json ? { body: e } : { body: xmlException(e), headers: { 'content-type': 'application/xml; charset=utf-8' } };
    }
  }
}

export async function startMoodleSimulator(options: MoodleSimulatorOptions = {}): Promise<MoodleSimulator> {
  return new MoodleSimulator(options).start();
}

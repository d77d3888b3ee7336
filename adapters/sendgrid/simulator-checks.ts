/** SendGrid's error bodies for what the simulator refuses (providers.md §7). */
export interface SendgridErrorReply {
  status: number;
  body: { errors: { field: string | null; message: string; help: string | null }[] };
}

export function sendgridFailure(status: number, field: string | null, message: string, help: string | null = null): SendgridErrorReply {
  return { status, body: { errors: [{ field, message, help }] } };
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

interface Mail {
  personalizations?: { to?: { email?: unknown }[]; cc?: { email?: unknown }[]; bcc?: { email?: unknown }[]; subject?: unknown; custom_args?: unknown }[];
  custom_args?: unknown;
  from?: { email?: unknown };
  subject?: unknown;
  content?: { type?: unknown; value?: unknown }[];
  template_id?: unknown;
}

/** Every problem SendGrid would report for a Mail Send body, at once, as it does; [] when acceptable. */
export function mailProblems(mail: Mail): SendgridErrorReply['body']['errors'] {
  const errors: SendgridErrorReply['body']['errors'] = [];
  const help = (anchor: string) => `http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message.${anchor}`;
  const ps = mail.personalizations;
  if (!Array.isArray(ps) || ps.length === 0) {
    errors.push({ field: 'personalizations', message: 'The personalizations field is required and must have at least one personalization.', help: help('personalizations') });
  } else {
    ps.forEach((p, i) => {
      if (!Array.isArray(p.to) || p.to.length === 0) {
        errors.push({ field: `personalizations.${i}.to`, message: 'The to array is required for all personalization objects, and must have at least one email object with a valid email address.', help: help('personalizations.to') });
      }
      errors.push(...customArgsProblems(p.custom_args, `personalizations.${i}.custom_args`));
      for (const kind of ['to', 'cc', 'bcc'] as const) {
        (p[kind] ?? []).forEach((a, j) => {
          if (typeof a.email !== 'string' || !EMAIL.test(a.email)) errors.push({ field: `personalizations.${i}.${kind}.${j}.email`, message: 'Does not contain a valid address.', help: help(`personalizations.${kind}`) });
        });
      }
    });
  }
  if (typeof mail.from?.email !== 'string' || !EMAIL.test(mail.from.email)) {
    errors.push({ field: 'from.email', message: 'The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.', help: help('from') });
  }
  // SendGrid's OpenAPI types the top-level custom_args as a string; key/value args belong to a personalization.
  if (mail.custom_args !== undefined && typeof mail.custom_args !== 'string') {
    errors.push({ field: 'custom_args', message: `Invalid type. Expected: string, given: ${jsonType(mail.custom_args)}.`, help: help('custom_args') });
  }
  const templated = typeof mail.template_id === 'string';
  const everySubject = Array.isArray(ps) && ps.length > 0 && ps.every((p) => typeof p.subject === 'string' && p.subject);
  if (!templated && !everySubject && (typeof mail.subject !== 'string' || !mail.subject)) {
    errors.push({ field: 'subject', message: 'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.', help: help('subject') });
  }
  if (!templated && (!Array.isArray(mail.content) || mail.content.length === 0 || mail.content.some((c) => typeof c.type !== 'string' || typeof c.value !== 'string' || !c.value))) {
    errors.push({
      field: 'content',
      message: 'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.',
      help: help('content'),
    });
  }
  return errors;
}

/** The type name JSON Schema validation reports, as SendGrid's errors quote it. */
function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** personalizations[].custom_args: an object whose values are strings. */
function customArgsProblems(args: unknown, field: string): SendgridErrorReply['body']['errors'] {
  if (args === undefined) return [];
  const help = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message.personalizations.custom_args';
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return [{ field, message: `Invalid type. Expected: object, given: ${jsonType(args)}.`, help }];
  return Object.entries(args)
    .filter(([, v]) => typeof v !== 'string')
    .map(([k, v]) => ({ field: `${field}.${k}`, message: `Invalid type. Expected: string, given: ${jsonType(v)}.`, help }));
}

/** One row per recipient (to, cc, bcc of every personalization), with its personalization's custom_args (checked as strings by mailProblems). */
export function rowsOf(mail: Mail): { email: string; customArgs: Record<string, string> }[] {
  return (mail.personalizations ?? []).flatMap((p) => {
    const customArgs = (p.custom_args ?? {}) as Record<string, string>;
    return [...(p.to ?? []), ...(p.cc ?? []), ...(p.bcc ?? [])].map((a) => ({ email: String(a.email), customArgs }));
  });
}

/** The two query forms the adapter uses, as SendGrid's query language writes them; undefined for anything else. */
export function parseActivityQuery(query: string): { msgIdPrefix: string } | { toEmail: string; subject: string } | undefined {
  const like = /^msg_id LIKE '([^']*)%'$/.exec(query);
  if (like) return { msgIdPrefix: like[1] };
  const pair = /^to_email="((?:[^"\\]|\\.)*)" AND subject="((?:[^"\\]|\\.)*)"$/.exec(query);
  if (pair) return { toEmail: pair[1].replace(/\\(.)/g, '$1'), subject: pair[2].replace(/\\(.)/g, '$1') };
  return undefined;
}

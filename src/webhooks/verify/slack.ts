import { fixedHmacScheme } from './hmac.js';

/**
 * Slack: X-Slack-Signature = `v0=` + hex HMAC-SHA256(signing secret,
 * `v0:${X-Slack-Request-Timestamp}:${body}`). Events API retries keep the
 * body's event_id; slash commands and interactions have none.
 */
export const slack = fixedHmacScheme('slack', {
  header: 'x-slack-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: 'v0=',
  secretEncoding: 'utf8',
  timestampHeader: 'x-slack-request-timestamp',
  timestampUnit: 'seconds',
  idHeaders: [],
  idBodyField: 'event_id',
  template: 'v0:{timestamp}:{body}',
  status: 401,
});

import { describe, expect, it } from 'vitest';
import { NOTIFY_KINDS, type NotifyKind } from '../../src/core/notify-channels.js';
import { recipientFor, sendPayload, subjectFrom } from '../../src/core/notify-payloads.js';
import { AdapterRegistry } from '../../src/core/registry.js';

const recipients = ['+254712345678', 'amina@example.com'];

describe('notify payloads', () => {
  it("every bundled adapter of a notification kind accepts its kind's send payload", async () => {
    const registry = new AdapterRegistry();
    const problems: string[] = [];
    let checked = 0;
    for (const adapter of await registry.list()) {
      if (!(NOTIFY_KINDS as readonly string[]).includes(adapter.kind)) continue;
      const kind = adapter.kind as NotifyKind;
      const payload = sendPayload(kind, { to: recipientFor(kind, recipients)!, message: 'Your order has shipped' });
      const parsed = adapter.operations.send.input.safeParse(payload);
      checked++;
      if (!parsed.success) problems.push(`${adapter.name} (${kind}) refuses ${JSON.stringify(payload)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    expect(checked).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('each kind takes the recipient of its form', () => {
    expect(recipientFor('sms', recipients)).toBe('+254712345678');
    expect(recipientFor('messaging', [...recipients].reverse())).toBe('+254712345678');
    expect(recipientFor('email', recipients)).toBe('amina@example.com');
    expect(recipientFor('email', ['+254712345678'])).toBeUndefined();
  });

  it("an email without a subject takes the message's first non-blank line, cut to 78 characters", () => {
    expect(subjectFrom('\n  Order shipped  \nTrack it')).toBe('Order shipped');
    const long = subjectFrom('x'.repeat(200));
    expect(long).toHaveLength(78);
    expect(long.endsWith('…')).toBe(true);
    expect(sendPayload('email', { to: 'a@example.com', message: 'Hi\nthere', subject: 'Given' })).toEqual({ to: 'a@example.com', subject: 'Given', text: 'Hi\nthere' });
  });
});

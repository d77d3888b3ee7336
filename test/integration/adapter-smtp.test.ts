import { createServer } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { validateAdapterDefinition } from '../../src/core/adapter.js';
import { describeFields } from '../../src/core/fields.js';
import smtp from '../../adapters/smtp/index.js';
import { startSmtpSimulator, type SmtpSimulator } from '../../adapters/smtp/simulator.js';
import { harness, type Harness } from './payment-adapter-harness.js';
import { onSimulator } from './simulator-fixture.js';
import { failure } from './expect-failure.js';

const mail = { to: { email: 'amina@example.com', name: 'Amina Njeri' }, bcc: 'audit@example.com', subject: 'Your receipt', text: 'Thanks for your order.', html: '<p>Thanks for your order.</p>' };

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('smtp adapter declaration', () => {
  it('is a valid email adapter: password secret, unsafe send, no HTTP base URLs', () => {
    expect(validateAdapterDefinition(smtp)).toEqual([]);
    expect(describeFields(smtp.config).filter((f) => f.secret).map((f) => f.path)).toEqual(['password']);
    expect(smtp.baseUrls).toBeUndefined();
    expect(smtp.operations.send.retry).toBe('unsafe');
    expect(smtp.config.safeParse({ host: 'smtp.example.com', from: 'a@example.com', user: 'u' }).success).toBe(false);
    expect(smtp.config.parse({ host: 'smtp.example.com', from: 'a@example.com' })).toMatchObject({ port: 587, secure: false, requireTLS: true });
  });
});

describe('smtp adapter against a loopback SMTP server', () => {
  let sim: SmtpSimulator;
  let h: Harness;
  let clock: ManualClock;

  beforeEach(async () => {
    const f = await onSimulator(smtp, startSmtpSimulator, { timeoutMs: 5_000 });
    ({ sim, h, clock } = f);
    return f.close;
  });

  describe('send', () => {
    it('upgrades with STARTTLS, authenticates, and hands over the message with Bcc only in the envelope', async () => {
      const out = await h.run('send', mail);
      expect(out.accepted).toEqual(['amina@example.com', 'audit@example.com']);
      expect(out.rejected).toEqual([]);
      expect(out.response).toMatch(/^250 2\.0\.0 Ok: queued as [0-9A-F]{10}$/);
      expect(out.messageId).toMatch(/^<[^@>]+@example\.com>$/);

      expect(sim.messages).toHaveLength(1);
      const [received] = sim.messages;
      expect(received).toMatchObject({ from: 'noreply@example.com', to: ['amina@example.com', 'audit@example.com'], user: 'sim-sender', tls: true });
      expect(received.raw).toContain(`Message-ID: ${out.messageId}`);
      expect(received.raw).toContain('To: Amina Njeri <amina@example.com>');
      expect(received.raw).toContain('Subject: Your receipt');
      expect(received.raw).toMatch(/Content-Type: multipart\/alternative/);
      expect(received.raw).not.toMatch(/^Bcc:/m);
      expect(sim.logins).toEqual([{ user: 'sim-sender', method: expect.stringMatching(/^(PLAIN|LOGIN)$/), ok: true }]);
    });

    it('succeeds when the server refuses some recipients, listing them as rejected', async () => {
      sim.rejectRecipient('gone@example.com');
      const out = await h.run('send', { ...mail, to: ['amina@example.com', 'gone@example.com'], bcc: undefined });
      expect(out.accepted).toEqual(['amina@example.com']);
      expect(out.rejected).toEqual(['gone@example.com']);
      expect(sim.messages[0].to).toEqual(['amina@example.com']);
    });
  });

  describe('error mapping', () => {
    it('maps 550 for every recipient to INVALID_REQUEST naming to, with the reply code and enhanced status; nothing was sent', async () => {
      sim.rejectRecipient('gone@example.com');
      const err = await failure(h.run('send', { ...mail, to: 'gone@example.com', bcc: undefined }));
      expect(err.category).toBe('INVALID_REQUEST');
      expect(err.requestSent).toBe(false);
      expect(err.provider).toMatchObject({ code: '550', field: 'to' });
      expect(err.provider?.message).toMatch(/^550 5\.1\.1 <gone@example\.com>: Recipient address rejected/);
      expect(err.details).toMatchObject({ enhancedStatus: '5.1.1', command: 'RCPT TO' });
      expect(sim.messages).toHaveLength(0);
    });

    it('maps 535 to AUTHENTICATION_FAILED without the password anywhere', async () => {
      const h2 = harness(smtp, { ...sim.config, password: 'not-the-password' }, { clock });
      try {
        const err = await failure(h2.run('send', mail));
        expect(err.category).toBe('AUTHENTICATION_FAILED');
        expect(err.requestSent).toBe(false);
        expect(err.provider).toMatchObject({ code: '535' });
        expect(JSON.stringify({ m: err.message, ...err.toJSON() })).not.toContain('not-the-password');
        expect(sim.logins).toEqual([expect.objectContaining({ ok: false })]);
      } finally {
        await h2.close();
      }
    });

    it('maps 451 after DATA to a transient SERVER_ERROR the server did not take: the executor sends again and it goes once', async () => {
      sim.failNext({ step: 'data', code: 451 });
      const err = await failure(h.run('send', mail));
      expect(err.category).toBe('SERVER_ERROR');
      expect(err.transient).toBe(true);
      expect(err.requestSent).toBe(false);
      expect(err.provider).toMatchObject({ code: '451', message: '451 4.3.0 Local error in processing, try again later' });

      sim.failNext({ step: 'data', code: 451 });
      const out = await h.executor.execute(h.integration.name, 'send', { ...mail, subject: 'Second receipt' });
      expect(out.ok).toBe(true);
      expect(out.attempts).toBe(2);
      expect(sim.messages.map((m) => /Subject: (.*)/.exec(m.raw)?.[1]?.trim())).toEqual(['Second receipt']);
    });

    it('maps 421 at connect to SERVER_ERROR, and 421 "too many connections" to RATE_LIMITED', async () => {
      sim.failNext({ step: 'connect', code: 421 });
      const busy = await failure(h.run('send', mail));
      expect(busy.category).toBe('SERVER_ERROR');
      expect(busy.requestSent).toBe(false);
      sim.failNext({ step: 'connect', code: 421, message: '4.7.0 Too many connections from your host, slow down' });
      expect((await failure(h.run('send', mail))).category).toBe('RATE_LIMITED');
      expect(sim.messages).toHaveLength(0);
    });

    it('maps connection refused to NETWORK_ERROR with requestSent=false', async () => {
      const h2 = harness(smtp, { ...sim.config, port: await closedPort() }, { clock });
      try {
        const err = await failure(h2.run('send', mail));
        expect(err.category).toBe('NETWORK_ERROR');
        expect(err.requestSent).toBe(false);
        expect(err.message).toMatch(/ECONNREFUSED/);
      } finally {
        await h2.close();
      }
    });

    it('refuses a server certificate it cannot verify, and a server without STARTTLS, before sending credentials', async () => {
      const untrusted = { ...sim.config };
      delete untrusted.tlsCa;
      const h2 = harness(smtp, untrusted, { clock });
      const plain = await startSmtpSimulator({ clock, starttls: false });
      const h3 = harness(smtp, plain.config.requireTLS === false ? { ...plain.config, requireTLS: true } : plain.config, { clock });
      try {
        const err = await failure(h2.run('send', mail));
        expect(err.category).toBe('NETWORK_ERROR');
        expect(err.requestSent).toBe(false);
        expect(err.message).toMatch(/TLS .* failed/);
        const noTls = await failure(h3.run('send', mail));
        expect(noTls.requestSent).toBe(false);
        expect(sim.logins).toHaveLength(0);
        expect(plain.logins).toHaveLength(0);
      } finally {
        await h2.close();
        await h3.close();
        await plain.close();
      }
    });
  });

  describe('a session that ends without the final reply', () => {
    it('stalled after the message: TIMEOUT inside, OUTCOME_UNKNOWN through the executor, never re-sent', async () => {
      await h.close();
      h = harness(smtp, sim.config, { clock, timeoutMs: 400 });
      sim.failNext({ step: 'data', kind: 'stall' });
      const out = await h.executor.execute(h.integration.name, 'send', mail);
      expect(!out.ok && out.error.category).toBe('OUTCOME_UNKNOWN');
      expect(out.attempts).toBe(1);
      // The server had the message when the session went quiet: it may deliver it.
      expect(sim.messages).toHaveLength(1);
      const again = await h.executor.execute(h.integration.name, 'send', mail);
      expect(!again.ok && again.error.category).toBe('OUTCOME_UNKNOWN');
      expect(sim.messages).toHaveLength(1);
    });

    it('dropped after the message: NETWORK_ERROR with requestSent=true, OUTCOME_UNKNOWN through the executor', async () => {
      sim.failNext({ step: 'data', kind: 'drop' });
      const err = await failure(h.run('send', mail));
      expect(err.category).toBe('NETWORK_ERROR');
      expect(err.requestSent).toBe(true);
      sim.failNext({ step: 'data', kind: 'drop' });
      const out = await h.executor.execute(h.integration.name, 'send', { ...mail, subject: 'Dropped' });
      expect(!out.ok && out.error.category).toBe('OUTCOME_UNKNOWN');
      expect(out.attempts).toBe(1);
      expect(sim.messages).toHaveLength(2);
    });

    it('a connection that dies before the message is NETWORK_ERROR with requestSent=false, and the executor retries it', async () => {
      sim.failNext({ step: 'connect', code: 421 });
      const out = await h.executor.execute(h.integration.name, 'send', mail);
      expect(out.ok).toBe(true);
      expect(out.attempts).toBe(2);
      expect(sim.messages).toHaveLength(1);
    });
  });

  describe('health and selfTest', () => {
    it('verify()s the server: healthy with good credentials, unhealthy with a bad password; selfTest reports TLS and sends nothing', async () => {
      expect(await smtp.health!(h.ctx() as never)).toEqual({ status: 'healthy', message: expect.stringMatching(/accepted EHLO, TLS and AUTH as sim-sender/) });
      expect(await smtp.selfTest!(h.ctx() as never)).toMatch(/answered EHLO over TLS and accepted AUTH as sim-sender; nothing was sent/);
      const h2 = harness(smtp, { ...sim.config, password: 'wrong' }, { clock });
      try {
        expect(await smtp.health!(h2.ctx() as never)).toMatchObject({ status: 'unhealthy', message: expect.stringMatching(/^AUTHENTICATION_FAILED: /) });
      } finally {
        await h2.close();
      }
      expect(sim.messages).toHaveLength(0);
    });
  });
});

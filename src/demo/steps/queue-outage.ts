import { drain } from '../../queue/drain.js';
import { enqueueOperation, shouldQueueOnFailure } from '../../queue/enqueue.js';
import { DEMO } from '../config-file.js';
import { check, StepFailure, type DemoStep } from '../step.js';

/**
 * Offline mode: with Africa's Talking unreachable, a send that would be
 * lost is kept as a job instead (what `run --queue-on-failure` does), with
 * the idempotency key of the failed call; once the provider is back,
 * `queue drain` sends it and its delivery report arrives.
 */
export const queueOutage: DemoStep = {
  name: 'queue-outage',
  title: "Take Africa's Talking down: the SMS is queued, then drained once it is back",
  async run(stage) {
    const { config, registry, store, executor } = stage.session;
    const clock = stage.io.clock;
    const payload = { to: ['+254711000002'], message: 'Your receipt for order 1001 is ready.' };

    await stage.smsLink.cut();
    const failed = await executor.execute(DEMO.sms, 'send', payload, { signal: stage.io.signal });
    if (failed.ok) throw new StepFailure("the send succeeded although Africa's Talking was unreachable");
    const error = failed.error;
    // Refused before anything left: the one failure even an unsafe send may be retried after.
    check(error.category === 'NETWORK_ERROR' && !error.requestSent, `the send failed with ${error.category} (request sent: ${error.requestSent}), expected a refused connection`);
    check(shouldQueueOnFailure(error), `${error.category} is not a failure --queue-on-failure keeps`);
    const { job } = await enqueueOperation(
      { config, registry, store, clock },
      { integration: DEMO.sms, operation: 'send', payload, idempotencyKey: failed.idempotencyKey, origin: 'on-failure', runAt: clock.now() + (error.retryAfterMs ?? 0) },
    );
    check(job.status === 'pending', `the queued job is ${job.status}, expected pending`);

    await stage.smsLink.restore();
    const summary = await drain({ config, registry, store, clock }, { integrations: [DEMO.sms], maxTimeMs: stage.waitMs, signal: stage.io.signal });
    const after = await store.queue.get(job.id);
    check(after?.status === 'succeeded', `after the drain job ${job.id} is ${after?.status ?? 'missing'}${after?.lastError ? ` (${after.lastError})` : ''}, expected succeeded`);
    const result = JSON.parse(after.result ?? 'null') as { recipients?: { messageId?: string }[] } | null;
    const messageId = result?.recipients?.[0]?.messageId;
    check(messageId, 'the drained send returned no message id');

    const event = await stage.events.waitFor(
      `the delivery report for ${messageId}`,
      (e) => e.integration === DEMO.sms && e.externalId === messageId && e.type !== 'sms.sent',
      stage.waitMs,
    );
    check(event.type === 'sms.delivered', `the delivery report was processed into ${event.type}, expected sms.delivered`);

    return {
      summary: `job ${job.id} queued during the outage, sent by the drain, delivered`,
      details: [
        `provider down: ${error.category} (${error.message}) after ${failed.attempts} attempts; nothing was sent`,
        `queued as job ${job.id} with the call's idempotency key, as run --queue-on-failure does`,
        `provider back: queue drain claimed ${summary.claimed}, succeeded ${summary.succeeded}, retried ${summary.retried}, dead ${summary.dead}`,
        `job ${job.id} succeeded after ${after.attempts} attempt${after.attempts === 1 ? '' : 's'}: ${messageId}, then ${event.type} (event #${event.id})`,
      ],
      data: { jobId: job.id, failure: error.category, drain: { claimed: summary.claimed, succeeded: summary.succeeded, retried: summary.retried, dead: summary.dead }, messageId, eventType: event.type },
    };
  },
};

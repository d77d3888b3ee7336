import { WebhookEndpoints } from '../../webhooks/ingest/endpoints.js';
import { replayWebhooks } from '../../webhooks/replay.js';
import { signWebhook } from '../../webhooks/sign/sign-webhook.js';
import { bounded } from '../bounded.js';
import { DEMO, editConfigFile } from '../config-file.js';
import { post } from '../post.js';
import { check, StepFailure, type DemoStep } from '../step.js';

/**
 * A shop sends a signed order webhook; the orders integration looks for the
 * event type at the wrong JSON path, so the verified, stored delivery fails
 * processing. The operator fixes the path in the config file and replays
 * the delivery from its stored raw bytes: it is processed, nothing re-sent.
 */
export const webhookReplay: DemoStep = {
  name: 'webhook-replay',
  title: 'Replay a webhook that failed processing, after fixing the config',
  async run(stage) {
    const { config, registry, store } = stage.session;
    const clock = stage.io.clock;
    const path = `/webhooks/${DEMO.orders}`;
    const body = JSON.stringify({ event: 'order.paid', data: { orderId: 'DEMO-1001', amount: 250, currency: 'KES' } });

    const endpoint = (await WebhookEndpoints.load(config, registry)).get(DEMO.orders);
    if (!endpoint) throw new StepFailure(`the ${DEMO.orders} integration does not receive webhooks`);
    // Signed exactly as the sender would (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature).
    const signed = signWebhook(endpoint.settings, { body, path, now: clock.now() });
    const answer = await post(`${stage.daemon.url}${path}`, body, { 'content-type': 'application/json', ...signed.headers }, stage.waitMs);
    check(answer.status >= 200 && answer.status < 300, `the daemon answered the signed delivery ${answer.status}: ${answer.text}`);

    await bounded(stage.daemon.settled(), stage.waitMs, 'processing the order webhook');
    const [failed] = await store.webhooks.list({ integration: DEMO.orders, order: 'desc', limit: 1 });
    check(failed?.status === 'failed', `the order webhook is ${failed?.status ?? 'missing'}, expected failed (its type is not at the configured path)`);

    await editConfigFile(stage.configPath, (file) => {
      file.integrations[DEMO.orders].config.eventTypePath = 'event';
    });
    const fixed = await stage.reloadConfig();
    const replay = await replayWebhooks({ ids: [failed.id] }, { store, endpoints: await WebhookEndpoints.load(fixed, registry), clock });
    const item = replay.items[0];
    check(item?.status === 'processed', `the replay ended ${item?.status ?? 'with nothing'}${item?.error ? `: ${item.error}` : ''}, expected processed`);
    const row = await store.webhooks.get(failed.id);
    check(row?.status === 'processed', `after the replay webhook #${failed.id} is ${row?.status ?? 'missing'}, expected processed`);
    const types = item.events.map((e) => e.type);
    check(types.includes(`${DEMO.orders}.order.paid`), `the replay produced ${types.join(', ') || 'no events'}, expected ${DEMO.orders}.order.paid`);

    return {
      summary: `webhook #${failed.id}: failed, config fixed, replayed from its stored bytes, processed`,
      details: [
        `signed order webhook (standard-webhooks) verified and committed as webhook #${failed.id}`,
        `processing failed: ${failed.error}`,
        `config fixed: integrations.${DEMO.orders}.config.eventTypePath "type" -> "event" in ${stage.configPath}`,
        `webhooks replay ${failed.id}: processed into ${types.join(', ')} (attempt ${row.attempts})`,
      ],
      data: { webhookId: failed.id, firstError: failed.error, replayedStatus: item.status, events: types },
    };
  },
};

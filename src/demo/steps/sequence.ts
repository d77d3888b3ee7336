import type { DemoStep } from '../step.js';
import { health } from './health.js';
import { mpesaCharge } from './mpesa-charge.js';
import { queueOutage } from './queue-outage.js';
import { smsDelivery } from './sms-delivery.js';
import { storage } from './storage.js';
import { webhookReplay } from './webhook-replay.js';

/** The demo, in the order it is told. */
export const DEMO_STEPS: readonly DemoStep[] = [mpesaCharge, smsDelivery, storage, health, queueOutage, webhookReplay];

-- Outbound: the user's own endpoints, subscribed to normalized events and
-- sent each one as a Standard Webhooks request.
-- Removal is soft (removed_at, secret wiped) so delivery history keeps its URL.
CREATE TABLE subscriptions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  url TEXT NOT NULL,
  -- JSON array of event type patterns ('payment.*', 'sms.delivered', '*').
  events TEXT NOT NULL,
  -- 'whsec_' + base64 key; never shown after creation; '' once removed.
  secret TEXT NOT NULL,
  description TEXT,
  created_at INTEGER NOT NULL,
  removed_at INTEGER
);
CREATE INDEX subscriptions_active ON subscriptions (id) WHERE removed_at IS NULL;

-- One row per (event, subscription). Claimed with leases exactly like queue jobs.
CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  subscription_id INTEGER NOT NULL REFERENCES subscriptions (id),
  -- events.id, without a foreign key: the delivery carries its own copy of the
  -- payload, so it outlives an event rewritten or trimmed by a replay.
  event_id INTEGER NOT NULL,
  -- Sent as webhook-id on every attempt and redelivery, so receivers de-duplicate on it.
  message_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  integration TEXT NOT NULL,
  -- The exact JSON body that is signed and sent, fixed at fan-out.
  payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'leased', 'succeeded', 'failed', 'cancelled')),
  run_at INTEGER NOT NULL,
  -- Attempts in the current round (a redelivery starts a new one): the index into the schedule.
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until INTEGER,
  last_response_status INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER
);
-- Fan-out is idempotent: an event announced twice (replay, catch-up) is delivered once per subscription.
CREATE UNIQUE INDEX deliveries_event_subscription ON deliveries (event_id, subscription_id);
CREATE UNIQUE INDEX deliveries_message ON deliveries (message_id);
CREATE INDEX deliveries_due ON deliveries (run_at, id) WHERE status = 'pending';
CREATE INDEX deliveries_leases ON deliveries (lease_until) WHERE status = 'leased';
CREATE INDEX deliveries_status ON deliveries (status, finished_at);
CREATE INDEX deliveries_subscription ON deliveries (subscription_id, status);

-- Every attempt: who sent it, what came back, how long it took.
CREATE TABLE delivery_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
  -- 1-based over the delivery's whole life, redeliveries included.
  attempt INTEGER NOT NULL,
  owner TEXT NOT NULL,
  url TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  outcome TEXT CHECK (outcome IN ('succeeded', 'retry', 'failed', 'abandoned')),
  response_status INTEGER,
  latency_ms INTEGER,
  -- At most 1 KB of the receiver's answer.
  response_excerpt TEXT,
  error TEXT
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);

-- The newest event id that fan-out has certainly seen. The live path fans out
-- as events are announced; a catch-up from here covers a process that died
-- between storing events and fanning them out. Starts at the events already
-- stored, so a first subscription is not sent the whole history.
CREATE TABLE outbound_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_event_id INTEGER NOT NULL
);
INSERT INTO outbound_cursor (id, last_event_id) SELECT 1, COALESCE(MAX(id), 0) FROM events;

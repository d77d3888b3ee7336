-- Inbound webhooks: the raw bytes as received, committed before any 2xx.
-- headers and path are stored with secret values masked; the body is kept
-- as-is because replay re-parses exactly what the provider sent.
CREATE TABLE webhook_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  integration TEXT NOT NULL,
  -- The provider's id of this delivery (webhook-id, X-GitHub-Delivery, Stripe
  -- event id, CheckoutRequestID...). NULL when the provider gives none: such
  -- deliveries cannot be de-duplicated.
  event_id TEXT,
  -- Normalized event type(s) once processed, comma-separated.
  type TEXT,
  status TEXT NOT NULL CHECK (status IN ('received', 'processed', 'failed')),
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  received_at INTEGER NOT NULL,
  processed_at INTEGER,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  query TEXT NOT NULL,
  headers TEXT NOT NULL,
  source_ip TEXT,
  body BLOB NOT NULL
);
CREATE UNIQUE INDEX webhook_events_event_id ON webhook_events (integration, event_id);
CREATE INDEX webhook_events_received ON webhook_events (received_at);
CREATE INDEX webhook_events_status ON webhook_events (status, integration, received_at);

-- Requests that failed verification (or named no known integration). A ring
-- of `slot`s per integration: each insert replaces the slot seq % cap, so a
-- flood of forgeries costs one indexed lookup per row and can never hold
-- more than cap rows per integration.
CREATE TABLE webhook_rejections (
  integration TEXT NOT NULL,
  slot INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  time INTEGER NOT NULL,
  reason TEXT NOT NULL,
  status INTEGER NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  source_ip TEXT,
  headers TEXT NOT NULL,
  body_size INTEGER NOT NULL,
  PRIMARY KEY (integration, slot)
);
CREATE INDEX webhook_rejections_seq ON webhook_rejections (integration, seq);
CREATE INDEX webhook_rejections_time ON webhook_rejections (time);

-- Normalized events produced by processing a webhook. (webhook_id, seq) is
-- stable across replays, so a replayed event keeps its id.
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  webhook_id INTEGER REFERENCES webhook_events (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL DEFAULT 0,
  integration TEXT NOT NULL,
  type TEXT NOT NULL,
  external_id TEXT,
  occurred_at TEXT,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX events_webhook_seq ON events (webhook_id, seq);
CREATE INDEX events_type ON events (integration, type, created_at);
CREATE INDEX events_created ON events (created_at);

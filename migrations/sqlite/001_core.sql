-- Operation logs are immutable: one row per execution, request and response already redacted.
CREATE TABLE operation_logs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  integration TEXT NOT NULL,
  adapter TEXT NOT NULL,
  operation TEXT NOT NULL,
  tenant TEXT,
  idempotency_key TEXT NOT NULL,
  correlation_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
  error_category TEXT,
  error_message TEXT,
  attempts INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  request TEXT NOT NULL,
  response TEXT
);
CREATE INDEX operation_logs_time ON operation_logs (time);
CREATE INDEX operation_logs_integration ON operation_logs (integration, status, time);

CREATE TRIGGER operation_logs_immutable BEFORE UPDATE ON operation_logs
BEGIN
  SELECT RAISE(ABORT, 'operation_logs rows are immutable');
END;

CREATE TABLE idempotency_keys (
  key TEXT PRIMARY KEY,
  integration TEXT NOT NULL,
  operation TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('in_flight', 'completed', 'unknown')),
  owner TEXT NOT NULL,
  claimed_at INTEGER NOT NULL,
  stale_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  result TEXT,
  log_id INTEGER
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);

-- Integration-scoped key-value cache: access tokens, simulated provider state.
CREATE TABLE kv (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  expires_at INTEGER,
  PRIMARY KEY (scope, key)
);

-- The offline queue. A job keeps the idempotency key it was given or derived
-- at enqueue time for every attempt, so a provider that honours keys sees one
-- effect however often the job is run.
CREATE TABLE queue_jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  integration TEXT NOT NULL,
  operation TEXT NOT NULL,
  -- The payload as given (needed to run the job); redacted only when shown.
  payload TEXT NOT NULL,
  tenant TEXT,
  idempotency_key TEXT NOT NULL,
  correlation_id TEXT,
  -- 'enqueue' (run --queue) or 'on-failure' (queueOnFailure caught a transient failure).
  origin TEXT NOT NULL DEFAULT 'enqueue' CHECK (origin IN ('enqueue', 'on-failure')),
  status TEXT NOT NULL CHECK (status IN ('pending', 'leased', 'succeeded', 'dead', 'unknown', 'cancelled')),
  priority INTEGER NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 10),
  run_at INTEGER NOT NULL,
  -- Attempts started, including ones abandoned by a process that died.
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
  lease_owner TEXT,
  lease_until INTEGER,
  -- Set when a lease expired (or its holder was found dead): the next runner
  -- must settle what that holder may have left in flight.
  abandoned_owner TEXT,
  last_error_category TEXT,
  last_error TEXT,
  -- JSON of the result (redacted), once succeeded.
  result TEXT,
  log_id INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER
);
-- Claim order: priority high first, then oldest run_at.
CREATE INDEX queue_jobs_due ON queue_jobs (priority DESC, run_at, id) WHERE status = 'pending';
CREATE INDEX queue_jobs_leases ON queue_jobs (lease_until) WHERE status = 'leased';
-- Finished jobs only, so the planner never prefers it over queue_jobs_due for claims.
CREATE INDEX queue_jobs_finished ON queue_jobs (status, finished_at) WHERE status IN ('succeeded', 'dead', 'unknown', 'cancelled');
-- One live job per idempotency key: enqueueing the same call twice returns the first job.
CREATE UNIQUE INDEX queue_jobs_live_key ON queue_jobs (idempotency_key) WHERE status IN ('pending', 'leased', 'unknown');

-- Every attempt of a job with its outcome and error, for `queue show`.
CREATE TABLE queue_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id INTEGER NOT NULL REFERENCES queue_jobs (id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  owner TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  outcome TEXT CHECK (outcome IN ('succeeded', 'retry', 'dead', 'unknown', 'abandoned')),
  error_category TEXT,
  error_message TEXT,
  log_id INTEGER
);
CREATE INDEX queue_attempts_job ON queue_attempts (job_id, id);

-- Circuit breakers and Retry-After pauses, per integration, shared by every process.
CREATE TABLE circuit_state (
  integration TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('closed', 'open', 'half_open')),
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  window_start INTEGER NOT NULL,
  window_calls INTEGER NOT NULL DEFAULT 0,
  window_failures INTEGER NOT NULL DEFAULT 0,
  opened_at INTEGER,
  -- Open until this time, then the next call is the half-open trial.
  open_until INTEGER,
  trial_owner TEXT,
  trial_until INTEGER,
  paused_until INTEGER,
  pause_reason TEXT,
  last_error TEXT,
  updated_at INTEGER NOT NULL
);

-- Token buckets: `run` and every drain draw from the same one.
CREATE TABLE rate_buckets (
  integration TEXT PRIMARY KEY,
  tokens REAL NOT NULL,
  updated_at INTEGER NOT NULL
);

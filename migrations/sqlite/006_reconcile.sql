-- Settling an unknown outcome (`integrations reconcile`) appends a row, since
-- rows are immutable: it records what became of the operation and points at
-- the OUTCOME_UNKNOWN row it settles (none for a queued job whose drain died
-- mid-call, which left no row), with how it was settled (the provider's
-- query, or by hand) and, by hand, who did it and why.
ALTER TABLE operation_logs ADD COLUMN reconciles INTEGER;
ALTER TABLE operation_logs ADD COLUMN settled_by TEXT CHECK (settled_by IN ('query', 'hand'));
ALTER TABLE operation_logs ADD COLUMN settled_actor TEXT;
ALTER TABLE operation_logs ADD COLUMN settled_reason TEXT;

-- One settlement per unknown outcome: of two reconciles racing, the second finds it taken.
CREATE UNIQUE INDEX operation_logs_reconciles ON operation_logs (reconciles) WHERE reconciles IS NOT NULL;
-- What `integrations reconcile --all` walks.
CREATE INDEX operation_logs_unknown ON operation_logs (integration, id) WHERE error_category = 'OUTCOME_UNKNOWN';

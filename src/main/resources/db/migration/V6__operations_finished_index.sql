-- Ended operations are pruned after a retention period (xso.operations.pruning.retention) in
-- batches, oldest first: the index finds them by when they finished (NULL while pending or
-- running) instead of scanning the table each round.
CREATE INDEX ix_operations_finished ON operations (finished_at);

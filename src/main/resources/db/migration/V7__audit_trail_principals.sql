-- The audit trail: every operation records the principal that requested it (and the one that asked
-- to cancel it), every event the principal that caused it ('system' for what the service did by
-- itself). Names are at most 256 characters (org.xso.audit.Principals).
--
-- Rows written before this version: no request carried a principal then, so an operation was
-- requested by 'anonymous', and so was an event one caused; another event's cause was not
-- recorded, and 'unknown' says so. The defaults only fill those rows: from now on every insert
-- names its principal.
ALTER TABLE operations ADD COLUMN requested_by VARCHAR(256) DEFAULT 'anonymous' NOT NULL;
ALTER TABLE operations ALTER COLUMN requested_by DROP DEFAULT;
ALTER TABLE operations ADD COLUMN cancel_requested_by VARCHAR(256);

ALTER TABLE event_log ADD COLUMN principal VARCHAR(256) DEFAULT 'unknown' NOT NULL;
ALTER TABLE event_log ALTER COLUMN principal DROP DEFAULT;
-- an event an operation caused is its requester's, as from now on
UPDATE event_log SET principal = 'anonymous' WHERE operation_id IS NOT NULL;

-- "Who did what, newest first": GET /api/v1/operations?requestedBy=... pages by created_at.
CREATE INDEX ix_operations_requested_by ON operations (requested_by, created_at);

-- Continuous checkpointing stores incremental checkpoints: one holds only what changed since the
-- checkpoint it builds on (parent_id), whose manifest SHA-256 it records (parent_sha256);
-- chain_depth counts the links down to the full checkpoint of its chain (0: a full checkpoint).
-- Restoring one resolves its chain. No foreign key: retention never deletes a checkpoint that a kept
-- one builds on, a deletion by request of one is refused, and a link found missing all the same is
-- named when the chain is verified.
ALTER TABLE checkpoints ADD COLUMN parent_id UUID;
ALTER TABLE checkpoints ADD COLUMN parent_sha256 VARCHAR(64);
ALTER TABLE checkpoints ADD COLUMN chain_depth INTEGER DEFAULT 0 NOT NULL;
CREATE INDEX ix_checkpoints_parent ON checkpoints (parent_id);

-- An epoch's capture: incremental or full, and the bytes of guest content (memory pages, disk
-- chunks) it held.
ALTER TABLE operation_epochs ADD COLUMN incremental BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE operation_epochs ADD COLUMN content_bytes BIGINT DEFAULT 0 NOT NULL;

-- A move: the host the guest leaves and the host it goes to. The operation's host_name is the host
-- whose instance runs it now: the source's until the hand-over, the target's after it.
ALTER TABLE operations ADD COLUMN source_host VARCHAR(63);
ALTER TABLE operations ADD COLUMN target_host VARCHAR(63);

-- A resume, restore or move asked to leave the guest paused when it is back (restore-paused).
ALTER TABLE operations ADD COLUMN restore_paused BOOLEAN DEFAULT FALSE NOT NULL;

-- What a host's hypervisor says of its storage: hosts with one id reach the same storage (a move
-- between them can resume the guest); NULL where the adapter cannot tell.
ALTER TABLE hosts ADD COLUMN storage_id VARCHAR(128);

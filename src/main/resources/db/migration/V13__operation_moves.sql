-- A move: the host the guest leaves and the host it goes to. The operation's host_name is the host
-- whose instance runs it now: the source's until the hand-over, the target's after it.
ALTER TABLE operations ADD COLUMN source_host VARCHAR(63);
ALTER TABLE operations ADD COLUMN target_host VARCHAR(63);

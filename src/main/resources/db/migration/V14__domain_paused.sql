-- A running guest can be paused (its vCPUs stopped, its devices connected, nothing saved) and
-- unpaused again: PAUSED is a domain state of its own.
ALTER TABLE domains DROP CONSTRAINT ck_domains_state;
ALTER TABLE domains ADD CONSTRAINT ck_domains_state CHECK (state IN ('RUNNING', 'PAUSED', 'SUSPENDED', 'RESTORING', 'FAULTED'));

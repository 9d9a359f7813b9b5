-- A fleet of hosts on one database: every instance serves one host (its hypervisor) and registers
-- it here with a heartbeat; a domain belongs to one host, and an operation is executed by the
-- instance serving the host it names. Rows written before hosts existed name none: the first
-- instance to register takes them (a single-instance deployment keeps its domains).
CREATE TABLE hosts (
    name                VARCHAR(63)              NOT NULL,
    adapter             VARCHAR(32)              NOT NULL,
    hypervisor_version  VARCHAR(128)             NOT NULL,
    instance_id         VARCHAR(128)             NOT NULL,
    started_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    stopped_at          TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_hosts PRIMARY KEY (name)
);

ALTER TABLE domains ADD COLUMN host_name VARCHAR(63);
CREATE INDEX ix_domains_host ON domains (host_name);

-- the host whose instance executes the operation (the domain's, or for a restore the checkpoint's)
ALTER TABLE operations ADD COLUMN host_name VARCHAR(63);
CREATE INDEX ix_operations_host_state ON operations (host_name, state);

-- the host that took the checkpoint and holds what it keeps outside the database (disk snapshots)
ALTER TABLE checkpoints ADD COLUMN host_name VARCHAR(63);

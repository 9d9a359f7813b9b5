-- Where a device's backend finds what it serves: a vbd's disk target (the volume behind the
-- backend's params; NULL: the backend's own volume for the guest's vbd) and a vif's bridge.
ALTER TABLE domain_devices ADD COLUMN disk_target VARCHAR(255);
ALTER TABLE domain_devices ADD COLUMN bridge VARCHAR(15);

-- A resume, restore or move that brings devices back elsewhere than they were saved: per device,
-- another backend domain, bridge or disk target (a JSON array; NULL: none).
ALTER TABLE operations ADD COLUMN backend_overrides VARCHAR(8000);

-- The domains that run device backends on a host and their bridges, as its hypervisor reports them
-- (a JSON array; NULL where the host registered before it said).
ALTER TABLE hosts ADD COLUMN backends VARCHAR(8000);

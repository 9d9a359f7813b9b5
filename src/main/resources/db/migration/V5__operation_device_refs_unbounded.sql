-- The grant refs a device held before and after a resume, comma separated. A vbd with 64 shadowed
-- requests of 256 sectors holds thousands of grants: 8192 characters were too few, and the
-- resume's outcome could not be recorded although the guest ran. 1 MiB holds a full grant table.
ALTER TABLE operation_devices ALTER COLUMN refs_before SET DATA TYPE VARCHAR(1048576);
ALTER TABLE operation_devices ALTER COLUMN refs_after SET DATA TYPE VARCHAR(1048576);

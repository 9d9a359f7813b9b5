-- A checkpoint's grant entries move from one row each (checkpoint_grants) to one column of their
-- device: "ref:flags:grantee_domid:frame" per entry, comma-separated, in the order saved. A device
-- of a guest under load has tens to thousands of entries; inserting and cascade-deleting a row for
-- each was a third of a checkpoint's PERSIST and two fifths of retention's delete. The entries stay
-- readable without decoding the device's checksummed bytes, as before.
ALTER TABLE checkpoint_devices ADD COLUMN grant_entries VARCHAR(1000000) DEFAULT '' NOT NULL;

UPDATE checkpoint_devices d
SET grant_entries = COALESCE((
    SELECT STRING_AGG(CAST(g.ref AS VARCHAR(20)) || ':' || CAST(g.flags AS VARCHAR(11)) || ':'
                      || CAST(g.grantee_domid AS VARCHAR(11)) || ':' || CAST(g.frame AS VARCHAR(20)), ','
                      ORDER BY g.ordinal)
    FROM checkpoint_grants g
    WHERE g.checkpoint_id = d.checkpoint_id AND g.device_type = d.device_type AND g.devid = d.devid), '');

DROP TABLE checkpoint_grants;

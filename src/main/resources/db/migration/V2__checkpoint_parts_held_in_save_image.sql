-- Which parts of a device's saved state (RINGS, GRANTS, SHADOW, DRIVER_STATE, comma-separated) the
-- adapter's memory image holds instead of the device's saved state: none for the simulator, all of
-- them for the libxl adapter, which cannot read guest memory from dom0.
ALTER TABLE checkpoint_devices ADD COLUMN held_in_save_image VARCHAR(64) DEFAULT '' NOT NULL;

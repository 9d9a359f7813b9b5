package org.xso.checkpoint;

import java.io.Serializable;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** A device row's key: checkpoint, device type and devid. */
@Embeddable
record CheckpointDeviceId(@Column(name = "checkpoint_id") UUID checkpointId,
		@Column(name = "device_type", length = 8) String deviceType, @Column(name = "devid") int devid)
		implements Serializable {
}

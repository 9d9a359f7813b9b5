package org.xso.hypervisor;

import java.util.EnumMap;
import java.util.Map;

/**
 * The parts of a device's saved state that live in guest memory: the ring pages and indices, the
 * grant entries, the frontend's shadow, the driver's private state. An adapter that saves them
 * reads them out of the guest (the simulator); an adapter that cannot (libxl: dom0 has no view of
 * guest memory beyond the save stream) leaves them absent and they are held in the save image.
 */
public enum SavedPart {

	RINGS, GRANTS, SHADOW, DRIVER_STATE;

	/** Every part with the same presence. */
	public static Map<SavedPart, Presence> all(Presence presence) {
		Map<SavedPart, Presence> parts = new EnumMap<>(SavedPart.class);
		for (SavedPart p : values()) {
			parts.put(p, presence);
		}
		return parts;
	}

	/** Where a part of a checkpoint is. */
	public enum Presence {

		/** In the device's saved state, decoded and checksummed on its own. */
		PRESENT,

		/** Absent from the device's saved state; the adapter's memory image holds it. */
		HELD_IN_SAVE_IMAGE

	}

}

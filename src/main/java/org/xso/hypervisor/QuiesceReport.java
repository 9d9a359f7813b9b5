package org.xso.hypervisor;

import java.util.List;

/** What quiescing a guest did, per device. */
public record QuiesceReport(SuspendStrategy strategy, List<Device> devices) {

	public QuiesceReport {
		devices = List.copyOf(devices);
	}

	/**
	 * One device: requests {@code drained} (completed while quiescing, SUSPEND_RESUME),
	 * {@code shadowed} (left in flight in the shadow, SHADOW_REPLAY), {@code queued} (held in the
	 * frontend, never issued), network transmits {@code dropped}, and whether the ring was torn down.
	 */
	public record Device(DeviceId id, long drained, long shadowed, long queued, long dropped, boolean ringTornDown) {
	}

}

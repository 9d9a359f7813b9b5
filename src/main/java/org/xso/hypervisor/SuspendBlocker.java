package org.xso.hypervisor;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One reason a guest cannot be suspended (or checkpointed) now, known before anything is done to
 * it: a quiesce would otherwise start, time out part-way and leave the guest to be thawed, or not.
 */
public record SuspendBlocker(Kind kind, @Nullable DeviceId device, String detail) {

	public enum Kind {

		/** The guest does not run (paused, or not in the hypervisor). */
		GUEST_NOT_RUNNING,

		/** A device's handshake is not at Connected on both ends: there is no ring to quiesce or re-attach. */
		DEVICE_NOT_CONNECTED,

		/**
		 * A device's backend does not answer: a quiesce that drains through it and tears the device
		 * down (SUSPEND_RESUME) would finish neither.
		 */
		BACKEND_NOT_RESPONDING

	}

	public SuspendBlocker {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(detail, "detail");
	}

	@Override
	public String toString() {
		return device == null ? detail : device + ": " + detail;
	}

}

package org.xso.hypervisor;

import org.xso.xen.DomId;
import org.xso.xen.XenbusState;

/** What a hypervisor reports as it happens. */
public sealed interface HypervisorEvent {

	DomId domid();

	/** Which end of a split device. */
	enum End {

		FRONTEND, BACKEND

	}

	/** One end of a device wrote a new {@code state}. */
	record XenbusStateChanged(DomId domid, DeviceId device, End end, XenbusState state) implements HypervisorEvent {
	}

	/**
	 * A domain the adapter did not create appeared on the host and runs (an {@code xl create} on
	 * the dom0, after its devices were added and it was unpaused).
	 */
	record GuestIntroduced(DomId domid) implements HypervisorEvent {
	}

	/** A guest's power state changed. */
	record GuestStateChanged(DomId domid, PowerState state) implements HypervisorEvent {
	}

	/**
	 * A guest runs but the host can no longer manage it (xenstored restarted without a live update
	 * and lost its record of the guest): {@code reason} says what happened and what still works.
	 */
	record GuestUnmanageable(DomId domid, String reason) implements HypervisorEvent {
	}

}

package org.xso.hypervisor.libxl;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.xso.hypervisor.GuestInfo;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.PowerState;
import org.xso.xen.DomId;

/**
 * Guests as libxl lists them ({@code libxl_list_domain}, {@code libxl_domain_info},
 * {@code libxl_domid_to_name}) with their devices. Dom0 and dying domains are not guests. A domain
 * paused by the toolstack, or shut down with reason suspend (by a quiesce, waiting to be saved,
 * resumed or destroyed), is PAUSED.
 */
final class LibxlGuests {

	private final long ctx;

	private final LibxlDevices devices;

	LibxlGuests(long ctx, LibxlDevices devices) {
		this.ctx = ctx;
		this.devices = devices;
	}

	List<GuestInfo> all() {
		long[] all = LibxlNative.listDomain(ctx);
		List<GuestInfo> out = new ArrayList<>();
		for (int i = 0; i < all.length; i += LibxlNative.DOMINFO_STRIDE) {
			int domid = (int) all[i + LibxlNative.DOMINFO_DOMID];
			if (domid != 0 && (all[i + LibxlNative.DOMINFO_FLAGS] & LibxlNative.FLAG_DYING) == 0) {
				info(DomId.of(domid), all, i).ifPresent(out::add);
			}
		}
		return out;
	}

	Optional<GuestInfo> one(DomId domid) {
		long[] info = LibxlNative.domainInfo(ctx, domid.value());
		return info == null || domid.isDom0() ? Optional.empty() : info(domid, info, 0);
	}

	/** Whether the domain is shut down with reason suspend: suspended in place, not yet saved or thawed. */
	boolean suspendedInPlace(DomId domid) {
		long[] info = LibxlNative.domainInfo(ctx, domid.value());
		return info != null && (info[LibxlNative.DOMINFO_FLAGS] & LibxlNative.FLAG_SHUTDOWN) != 0
				&& info[LibxlNative.DOMINFO_SHUTDOWN_REASON] == LibxlNative.SHUTDOWN_REASON_SUSPEND;
	}

	/** Whether the domain is paused by the toolstack ({@code xl pause}) and not shut down. */
	boolean pausedByToolstack(DomId domid) {
		long[] info = LibxlNative.domainInfo(ctx, domid.value());
		return info != null && (info[LibxlNative.DOMINFO_FLAGS] & LibxlNative.FLAG_PAUSED) != 0
				&& (info[LibxlNative.DOMINFO_FLAGS] & LibxlNative.FLAG_SHUTDOWN) == 0;
	}

	/**
	 * Why libxl can no longer manage this domain, if it cannot: it runs, but xenstored has no
	 * record of it (xenstored was restarted without a live update, so the guest's name, its
	 * devices' directories and libxl's own record of it are gone).
	 */
	Optional<String> unmanageable(DomId domid) {
		if (LibxlNative.domidToName(ctx, domid.value()) != null || !runs(domid)) {
			return Optional.empty();
		}
		return Optional.of("xenstored has no record of dom" + domid.value() + " (it was restarted without a live "
				+ "update and lost the guest's state): the guest runs, but its devices can no longer be suspended, "
				+ "saved or reconnected through xenstore; destroy it and start it again");
	}

	/** Whether Xen still has the domain (a domain without a name in xenstore may still run). */
	private boolean runs(DomId domid) {
		return LibxlNative.domainInfo(ctx, domid.value()) != null;
	}

	private Optional<GuestInfo> info(DomId domid, long[] rec, int at) {
		String name = LibxlNative.domidToName(ctx, domid.value());
		boolean recordLost = false;
		if (name == null) {
			if (!runs(domid)) {
				return Optional.empty(); // gone between the two calls
			}
			// runs, but xenstored lost its record (see unmanageable): listed, with no devices
			name = "dom" + domid.value();
			recordLost = true;
		}
		long flags = rec[at + LibxlNative.DOMINFO_FLAGS];
		PowerState state = (flags & (LibxlNative.FLAG_PAUSED | LibxlNative.FLAG_SHUTDOWN)) != 0 ? PowerState.PAUSED
				: PowerState.RUNNING;
		List<LibxlDevices.Device> devs = recordLost ? List.of() : devices.list(domid);
		int memoryMiB = (int) Math.max(16, rec[at + LibxlNative.DOMINFO_MAX_MEMKB] / 1024);
		int vcpus = (int) Math.max(1, rec[at + LibxlNative.DOMINFO_VCPU_ONLINE]);
		GuestSpec spec = new GuestSpec(name, memoryMiB, vcpus, devs.stream().map(LibxlDevices.Device::spec).toList());
		return Optional.of(new GuestInfo(domid, spec, state, devs.stream().map(devices::info).toList()));
	}

}

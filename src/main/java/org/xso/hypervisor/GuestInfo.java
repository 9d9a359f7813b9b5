package org.xso.hypervisor;

import java.util.List;

import org.xso.xen.DomId;

/** A guest as the hypervisor reports it. */
public record GuestInfo(DomId domid, GuestSpec config, PowerState state, List<DeviceInfo> devices) {

	public GuestInfo {
		devices = List.copyOf(devices);
	}

}

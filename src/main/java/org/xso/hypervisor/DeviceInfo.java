package org.xso.hypervisor;

import java.util.List;
import java.util.SortedMap;

import org.xso.xen.DomId;
import org.xso.xen.EvtchnPort;
import org.xso.xen.GrantRef;
import org.xso.xen.XenbusState;

/**
 * A device as it is now: both ends' XenbusState, the ring refs and event channels the frontend
 * published, the features both ends negotiated, and the counters.
 */
public record DeviceInfo(DeviceId id, DomId backendDomid, XenbusState frontendState, XenbusState backendState,
		List<GrantRef> ringRefs, List<EvtchnPort> evtchns, SortedMap<String, String> features,
		DeviceCounters counters) {

	public DeviceInfo {
		ringRefs = List.copyOf(ringRefs);
		evtchns = List.copyOf(evtchns);
		features = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(features));
	}

	public boolean connected() {
		return frontendState == XenbusState.Connected && backendState == XenbusState.Connected;
	}

}

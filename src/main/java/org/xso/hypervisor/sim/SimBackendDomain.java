package org.xso.hypervisor.sim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.BackendDomain;
import org.xso.xen.DomId;

/**
 * A domain that runs device backends on the simulated host: dom0, or a driver domain started with
 * the host. It has its own grant table, event channels and xenstore home (a driver domain's written
 * by the toolstack as for any domain), its own {@link BackendBus} watching
 * {@code /local/domain/<domid>/backend}, whose blkbacks and netbacks map grants, bind event channels
 * and use xenstore as this domain, and its own software bridges, by name. Infrastructure, as dom0
 * is: never a guest, never destroyed before the host.
 *
 * <p>
 * <b>Threads.</b> Built on the thread that builds the host and immutable after that; its bus and
 * bridges are thread-safe, and its drivers run on their own executors.
 */
final class SimBackendDomain {

	final DomId domid;

	final String name;

	private final Map<String, Bridge> bridges;

	final BackendBus bus;

	private SimBackendDomain(SimHost host, DomId domid, String name, List<String> bridgeNames) {
		this.domid = domid;
		this.name = name;
		Map<String, Bridge> byName = new LinkedHashMap<>();
		bridgeNames.forEach(b -> byName.put(b, new Bridge(b + "@" + name)));
		this.bridges = Collections.unmodifiableMap(byName);
		// last: its watches may fire at once, and see every other field
		this.bus = new BackendBus(host, this);
	}

	/** Dom0: the hypervisor's part of it (grant table, event channels, xenstore connection) and its backends. */
	static SimBackendDomain dom0(SimHost host, List<String> bridges) {
		host.grants.create(DomId.DOM0, SimHost.GRANT_FRAMES);
		host.evtchn.createDomain(DomId.DOM0);
		host.xenstore.introduceDomain(DomId.DOM0);
		return new SimBackendDomain(host, DomId.DOM0, SimBackends.DOM0_NAME, bridges);
	}

	/** A driver domain, made as the toolstack makes any domain, then its backends started. */
	static SimBackendDomain driverDomain(SimHost host, DomId domid, String name, List<String> bridges) {
		host.grants.create(domid, SimHost.GRANT_FRAMES);
		host.evtchn.createDomain(domid);
		host.toolstack.createDomain(domid, name);
		return new SimBackendDomain(host, domid, name, bridges);
	}

	/** The bridge of that name in this domain, or null. */
	@Nullable
	Bridge bridge(String bridgeName) {
		return bridges.get(bridgeName);
	}

	Collection<Bridge> bridges() {
		return bridges.values();
	}

	/** This domain as the hypervisor port describes it. */
	BackendDomain describe() {
		return new BackendDomain(domid, name, new ArrayList<>(bridges.keySet()));
	}

	@Override
	public String toString() {
		return "domain " + domid + " (" + name + ")";
	}

}

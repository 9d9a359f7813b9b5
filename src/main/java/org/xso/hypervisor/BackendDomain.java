package org.xso.hypervisor;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.xso.xen.DomId;

/**
 * A domain that runs device backends on a host: dom0, or a driver domain (xl.cfg's
 * {@code driver_domain=1}), with the bridges its netback can join a vif to. A device's
 * {@code backendDomid} must name one, and a vif's {@code bridge} one of that domain's bridges.
 * {@code bridges} is null where the adapter cannot see them (a driver domain's, from dom0).
 */
public record BackendDomain(DomId domid, String name, @Nullable List<String> bridges) {

	public BackendDomain {
		if (domid == null || name == null || name.isBlank()) {
			throw new IllegalArgumentException("a backend domain has a domid and a name");
		}
		bridges = bridges == null ? null : List.copyOf(bridges);
	}

	/** Whether a vif can join {@code bridge} here, as far as the adapter can tell. */
	public boolean mayHaveBridge(String bridge) {
		return bridges == null || bridges.contains(bridge);
	}

	/** Dom0 with {@code bridges} (null: the adapter cannot list them). */
	public static BackendDomain dom0(@Nullable List<String> bridges) {
		return new BackendDomain(DomId.DOM0, "Domain-0", bridges);
	}

}

package org.xso.hypervisor;

import java.util.List;

import org.xso.xen.DomId;

/**
 * A domain that runs device backends on a host: dom0, or a driver domain (xl.cfg's
 * {@code driver_domain=1}), with the bridges its netback can join a vif to. A device's
 * {@code backendDomid} must name one, and a vif's {@code bridge} one of that domain's bridges.
 */
public record BackendDomain(DomId domid, String name, List<String> bridges) {

	public BackendDomain {
		if (domid == null || name == null || name.isBlank()) {
			throw new IllegalArgumentException("a backend domain has a domid and a name");
		}
		bridges = List.copyOf(bridges);
	}

	/** Dom0 with libxl's default bridge only. */
	public static BackendDomain dom0(List<String> bridges) {
		return new BackendDomain(DomId.DOM0, "Domain-0", bridges);
	}

}

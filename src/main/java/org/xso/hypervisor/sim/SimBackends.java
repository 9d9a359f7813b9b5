package org.xso.hypervisor.sim;

import java.util.HashSet;
import java.util.List;

import org.xso.hypervisor.DeviceSpec;
import org.xso.xen.DomId;

/**
 * The backend domains a simulated host starts with: dom0, and a driver domain (xl.cfg's
 * {@code driver_domain=1}) for each of {@code driverDomains}, in that order, each running a block
 * and a net backend; every one of them has the software bridges named in {@code bridges}. The
 * driver domains take the domain ids guests never get first: {@link DomId#MAX_GUEST} for the first,
 * one less for each next. An immutable value.
 */
public record SimBackends(List<String> bridges, List<String> driverDomains) {

	/** What a host has unless told otherwise: dom0 alone, with libxl's default bridge. */
	public static final SimBackends DEFAULT = new SimBackends(List.of(DeviceSpec.DEFAULT_BRIDGE), List.of());

	/** Dom0's name, which no driver domain can take. */
	static final String DOM0_NAME = "Domain-0";

	/** More driver domains than this would leave too few domain ids to guests. */
	static final int MAX_DRIVER_DOMAINS = 64;

	public SimBackends {
		bridges = List.copyOf(bridges);
		driverDomains = List.copyOf(driverDomains);
		if (bridges.isEmpty()) {
			throw new IllegalArgumentException("a host has at least one bridge");
		}
		for (String b : bridges) {
			if (!DeviceSpec.BRIDGE.matcher(b).matches()) {
				throw new IllegalArgumentException("bridge must be an interface name of 1..15 characters: " + b);
			}
		}
		if (new HashSet<>(bridges).size() != bridges.size()) {
			throw new IllegalArgumentException("a bridge is named twice: " + bridges);
		}
		if (driverDomains.size() > MAX_DRIVER_DOMAINS) {
			throw new IllegalArgumentException("at most " + MAX_DRIVER_DOMAINS + " driver domains: " + driverDomains);
		}
		for (String d : driverDomains) {
			if (d.isBlank() || DOM0_NAME.equals(d)) {
				throw new IllegalArgumentException("a driver domain needs a name other than " + DOM0_NAME + ": '" + d + "'");
			}
		}
		if (new HashSet<>(driverDomains).size() != driverDomains.size()) {
			throw new IllegalArgumentException("a driver domain is named twice: " + driverDomains);
		}
	}

	/** The domain id of the {@code index}th driver domain (0 for the first). */
	static DomId driverDomid(int index) {
		return DomId.of(DomId.MAX_GUEST - index);
	}

}

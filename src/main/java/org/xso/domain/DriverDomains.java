package org.xso.domain;

import java.util.List;
import java.util.Optional;

import org.xso.hypervisor.BackendDomain;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorException;
import org.xso.problem.HypervisorProblems;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.problem.Violation;
import org.xso.xen.DomId;

/**
 * A device's backend runs in dom0 or in a driver domain the host has, and a vif joins a bridge
 * that domain has. Naming one that does not exist is the client's mistake, 422 INVALID_CONFIG
 * before anything is created, not a backend failure (502) found half-way through the handshake.
 */
final class DriverDomains {

	private DriverDomains() {
	}

	static void requireExisting(Hypervisor hypervisor, DeviceSpec device, String pointer) {
		DomId backend = device.backendDomid();
		List<BackendDomain> domains;
		try {
			domains = hypervisor.backendDomains();
		}
		catch (HypervisorException e) {
			throw HypervisorProblems.of(e);
		}
		Optional<BackendDomain> runs = domains.stream().filter(d -> d.domid().equals(backend)).findFirst();
		if (runs.isEmpty()) {
			throw new ProblemException(ProblemCode.INVALID_CONFIG,
					device.id() + ": backend domain " + backend.value() + " does not run backends on this host")
				.withErrors(List.of(Violation.of(pointer + "/backendDomid", "no backend domain " + backend.value()
						+ " here: " + domains.stream().map(d -> d.domid().value() + " " + d.name()).toList())));
		}
		if (device instanceof DeviceSpec.Vif v && !runs.get().mayHaveBridge(v.bridge())) {
			throw new ProblemException(ProblemCode.INVALID_CONFIG,
					device.id() + ": backend domain " + backend.value() + " has no bridge " + v.bridge())
				.withErrors(List.of(Violation.of(pointer + "/bridge",
						"no bridge " + v.bridge() + " in domain " + backend.value() + ": " + runs.get().bridges())));
		}
	}

}

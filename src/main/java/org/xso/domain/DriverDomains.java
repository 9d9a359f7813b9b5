package org.xso.domain;

import java.util.List;

import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.HypervisorException;
import org.xso.problem.HypervisorProblems;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.problem.Violation;
import org.xso.xen.DomId;

/**
 * A device's backend runs in dom0 or in a driver domain that exists. Naming one that does not is
 * the client's mistake, 422 INVALID_CONFIG before anything is created, not a backend failure (502)
 * found half-way through the handshake.
 */
final class DriverDomains {

	private DriverDomains() {
	}

	static void requireExisting(Hypervisor hypervisor, DeviceSpec device, String pointer) {
		DomId backend = device.backendDomid();
		if (backend.isDom0()) {
			return;
		}
		boolean exists;
		try {
			exists = hypervisor.guest(backend).isPresent();
		}
		catch (HypervisorException e) {
			throw HypervisorProblems.of(e);
		}
		if (!exists) {
			throw new ProblemException(ProblemCode.INVALID_CONFIG,
					device.id() + ": backend domain " + backend.value() + " does not exist")
				.withErrors(List.of(Violation.of(pointer + "/backendDomid", "no such domain: " + backend.value())));
		}
	}

}

package org.xso.operation.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.xso.host.HostView;
import org.xso.hypervisor.BackendOverride;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.problem.ProblemCode;
import org.xso.problem.ProblemException;
import org.xso.problem.Violation;

/**
 * A resume's, restore's or move's backend overrides, checked when the request is accepted, before
 * anything is done: each names a device the guest has, and every device of the guest as it comes
 * back has its backend domain (and a vif its bridge) on the host that brings it back, as that host
 * reported them when its instance registered. The host's own check at VERIFY_CHECKPOINT
 * ({@code resumeBlockers}) stays the last word: a driver domain may have gone since.
 */
final class BackendChecks {

	private BackendChecks() {
	}

	/**
	 * The guest's config once {@code overrides} apply, or a 400 VALIDATION_FAILED naming each
	 * override whose device the guest does not have.
	 */
	static GuestSpec effective(GuestSpec guest, List<BackendOverride> overrides) {
		List<Violation> unknown = new ArrayList<>();
		for (int i = 0; i < overrides.size(); i++) {
			BackendOverride o = overrides.get(i);
			if (guest.devices().stream().noneMatch(d -> d.id().equals(o.id()))) {
				unknown.add(Violation.of("/devices/" + i, "the guest has no " + o.id() + ": it has "
						+ guest.devices().stream().map(d -> d.id().toString()).toList()));
			}
		}
		if (!unknown.isEmpty()) {
			throw ProblemException.invalid(unknown);
		}
		return BackendOverride.applyTo(guest, overrides);
	}

	/**
	 * A 422 BACKEND_NOT_ON_HOST naming every device of {@code guest} whose backend domain or bridge
	 * {@code host} does not have (pointing at the override that named it, or at {@code /devices}
	 * where the guest brings it from its config); nothing if the host has not reported its backends.
	 */
	static void requireOn(HostView host, GuestSpec guest, List<BackendOverride> overrides, String what) {
		if (host.backends() == null) {
			return;
		}
		List<Violation> missing = new ArrayList<>();
		for (DeviceSpec d : guest.devices()) {
			int i = indexOf(overrides, d);
			String at = i < 0 ? "/devices" : "/devices/" + i;
			Optional<HostView.Backend> backend = host.backend(d.backendDomid().value());
			if (backend.isEmpty()) {
				missing.add(Violation.of(i < 0 || overrides.get(i).backendDomid() == null ? at : at + "/backendDomid",
						d.id() + ": host " + host.name() + " runs no backends in domain " + d.backendDomid().value()
								+ " (it has " + host.backends().stream().map(b -> b.domid() + " " + b.name()).toList()
								+ ")"));
			}
			else if (d instanceof DeviceSpec.Vif v && !backend.get().mayHaveBridge(v.bridge())) {
				missing.add(Violation.of(i < 0 || overrides.get(i).bridge() == null ? at : at + "/bridge",
						d.id() + ": domain " + backend.get().domid() + " of host " + host.name() + " has no bridge "
								+ v.bridge() + " (it has " + backend.get().bridges() + ")"));
			}
		}
		if (!missing.isEmpty()) {
			throw new ProblemException(ProblemCode.BACKEND_NOT_ON_HOST, what + ": host " + host.name()
					+ " does not have the backends the guest's devices need; name others with devices[] (nothing was done)")
				.withErrors(missing);
		}
	}

	private static int indexOf(List<BackendOverride> overrides, DeviceSpec d) {
		for (int i = 0; i < overrides.size(); i++) {
			if (overrides.get(i).id().equals(d.id())) {
				return i;
			}
		}
		return -1;
	}

}

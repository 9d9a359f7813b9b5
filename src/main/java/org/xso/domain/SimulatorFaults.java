package org.xso.domain;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.xso.hypervisor.SimulatorControls;
import org.xso.problem.ProblemException;
import org.xso.problem.Violation;
import org.xso.xen.DomId;

/** Checks a fault request for exactly the members its kind takes, in range, and applies it. */
final class SimulatorFaults {

	private SimulatorFaults() {
	}

	/**
	 * The members each kind takes, all required, as the contract's {@code oneOf} on {@code kind}
	 * says; a member of another kind is rejected rather than ignored.
	 */
	private static final Map<SimulatorRequests.FaultKind, Set<String>> MEMBERS = Map.of(
			SimulatorRequests.FaultKind.BACKEND_LATENCY, Set.of("domid", "deviceType", "devid", "latencyMs"),
			SimulatorRequests.FaultKind.LOSE_NOTIFICATIONS, Set.of("domid", "deviceType", "devid", "count"),
			SimulatorRequests.FaultKind.BACKENDS_STALL, Set.of("domid", "stall"),
			SimulatorRequests.FaultKind.BACKEND_FEATURES_AFTER_RESTORE,
			Set.of("domid", "deviceType", "devid", "features"), SimulatorRequests.FaultKind.XENSTORE_CONFLICTS,
			Set.of("count"), SimulatorRequests.FaultKind.GUEST_SUSPEND_LATENCY, Set.of("domid", "latencyMs"),
			SimulatorRequests.FaultKind.STORAGE_CHECK_LATENCY, Set.of("domid", "latencyMs"));

	static void validate(SimulatorRequests.Fault f) {
		if (f.kind() == null) {
			throw ProblemException.invalid(Violation.of("/kind", "is required: one of "
					+ Arrays.toString(SimulatorRequests.FaultKind.values())));
		}
		Set<String> members = MEMBERS.get(f.kind());
		Map<String, Object> given = new LinkedHashMap<>();
		given.put("domid", f.domid());
		given.put("deviceType", f.deviceType());
		given.put("devid", f.devid());
		given.put("latencyMs", f.latencyMs());
		given.put("count", f.count());
		given.put("stall", f.stall());
		given.put("features", f.features());
		for (Map.Entry<String, Object> member : given.entrySet()) {
			boolean expected = members.contains(member.getKey());
			if (expected && member.getValue() == null) {
				throw ProblemException.invalid(Violation.of("/" + member.getKey(), "is required for " + f.kind()));
			}
			if (!expected && member.getValue() != null) {
				throw ProblemException
					.invalid(Violation.of("/" + member.getKey(), "does not apply to " + f.kind()));
			}
		}
		if (f.domid() != null) {
			range(f.domid().longValue(), "/domid", 1, DomId.MAX_GUEST);
		}
		if (f.devid() != null) {
			range(f.devid().longValue(), "/devid", 0, 0xFFFFFF);
		}
		if (f.latencyMs() != null) {
			range(f.latencyMs(), "/latencyMs", 0, 60_000);
		}
		if (f.count() != null) {
			range(f.count().longValue(), "/count", 1, 10_000);
		}
		if (f.features() != null) {
			f.features().validate("/features");
		}
	}

	static void apply(SimulatorControls s, SimulatorRequests.Fault f) {
		switch (f.kind()) {
			case BACKEND_LATENCY -> s.setBackendLatency(DomId.guest(f.domid()),
					SimulatorService.device(f.deviceType(), f.devid()), Duration.ofMillis(f.latencyMs()));
			case LOSE_NOTIFICATIONS -> s.loseNotifications(DomId.guest(f.domid()),
					SimulatorService.device(f.deviceType(), f.devid()), f.count());
			case BACKENDS_STALL -> s.setBackendsStall(DomId.guest(f.domid()), f.stall());
			case BACKEND_FEATURES_AFTER_RESTORE -> s.setBackendFeaturesAfterRestore(DomId.guest(f.domid()),
					SimulatorService.device(f.deviceType(), f.devid()), SimulatorService.features(f));
			case XENSTORE_CONFLICTS -> s.injectXenstoreConflicts(f.count());
			case GUEST_SUSPEND_LATENCY -> s.setGuestSuspendLatency(DomId.guest(f.domid()),
					Duration.ofMillis(f.latencyMs()));
			case STORAGE_CHECK_LATENCY -> s.setStorageCheckLatency(DomId.guest(f.domid()),
					Duration.ofMillis(f.latencyMs()));
		}
	}

	private static void range(long value, String pointer, long min, long max) {
		if (value < min || value > max) {
			throw ProblemException.invalid(Violation.of(pointer, "must be " + min + ".." + max + ": " + value));
		}
	}

}

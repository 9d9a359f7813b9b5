package org.xso.domain;

import java.time.Duration;

import org.xso.hypervisor.SimulatorControls;
import org.xso.web.InvalidParam;
import org.xso.web.ProblemException;
import org.xso.xen.DomId;

/** Checks a fault request for the fields its kind needs and applies it. */
final class SimulatorFaults {

	private SimulatorFaults() {
	}

	static void validate(SimulatorRequests.Fault f) {
		if (f.kind() != SimulatorRequests.FaultKind.XENSTORE_CONFLICTS && f.domid() == null) {
			throw ProblemException.invalid(InvalidParam.body("/domid", "is required for " + f.kind()));
		}
		if (f.domid() != null && (f.domid() < 1 || f.domid() > 32751)) {
			throw ProblemException.invalid(InvalidParam.body("/domid", "must be 1..32751: " + f.domid()));
		}
		switch (f.kind()) {
			case BACKEND_LATENCY -> range(f.latencyMs(), "/latencyMs", 0, 60_000);
			case LOSE_NOTIFICATIONS, XENSTORE_CONFLICTS -> range(f.count() == null ? null : (long) f.count(),
					"/count", 1, 10_000);
			case BACKENDS_STALL -> {
				if (f.stall() == null) {
					throw ProblemException.invalid(InvalidParam.body("/stall", "is required"));
				}
			}
			case BACKEND_FEATURES_AFTER_RESTORE -> SimulatorService.features(f);
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
		}
	}

	private static void range(Long value, String pointer, long min, long max) {
		if (value == null || value < min || value > max) {
			throw ProblemException.invalid(InvalidParam.body(pointer, "must be " + min + ".." + max + ": " + value));
		}
	}

}

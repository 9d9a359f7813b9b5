package org.xso.operation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.BackendOverride;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.DeviceType;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.problem.ProblemException;
import org.xso.problem.Violation;
import org.xso.xen.DomId;

/** Request bodies of the endpoints that start operations. */
public final class OperationRequests {

	private OperationRequests() {
	}

	/** Suspend and live checkpoint: the strategy is the caller's choice; timeouts in milliseconds. */
	public record QuiesceRequest(@Nullable SuspendStrategy strategy, @Nullable Long quiesceTimeoutMs,
			@Nullable Long deadlineMs) {
	}

	/**
	 * A resume: from {@code checkpointId} (default the one the domain was suspended to), on
	 * {@code host} (default the domain's: another host takes the suspended guest over, and must
	 * reach its storage); with {@code paused}, the guest is left paused once it is back;
	 * {@code devices} brings devices back with other backends.
	 */
	public record ResumeRequest(@Nullable UUID checkpointId, @Nullable Long deadlineMs, @Nullable String host,
			@Nullable Boolean paused, @Nullable List<DeviceOverride> devices) {
	}

	/**
	 * A move to {@code host}: suspended with {@code strategy} on its host, resumed there (and left
	 * paused with {@code paused}); the deadline covers both hosts' phases.
	 */
	public record MoveRequest(@Nullable String host, @Nullable SuspendStrategy strategy, @Nullable Long quiesceTimeoutMs,
			@Nullable Long deadlineMs, @Nullable Boolean paused, @Nullable List<DeviceOverride> devices) {
	}

	/**
	 * A restore into {@code targetDomid} (default the lowest free); {@code paused} and
	 * {@code devices} as for a resume.
	 */
	public record RestoreRequest(@Nullable Integer targetDomid, @Nullable Long deadlineMs, @Nullable Boolean paused,
			@Nullable List<DeviceOverride> devices) {
	}

	/**
	 * Where one saved device's backend is when the guest comes back: another backend domain, a
	 * vif's bridge, a vbd's disk target. What it leaves out stays as saved.
	 */
	public record DeviceOverride(@Nullable DeviceType type, @Nullable Integer devid, @Nullable Integer backendDomid,
			@Nullable String bridge, @Nullable String target) {
	}

	/** The most devices one request may override: a guest has far fewer. */
	public static final int MAX_OVERRIDES = 64;

	/**
	 * The port's overrides, or a 400 VALIDATION_FAILED naming each member under {@code /devices}
	 * that is missing, of the other device type, malformed, or a device named twice. Whether the
	 * guest has the device and its host the backend is the operation's check, not the body's.
	 */
	public static List<BackendOverride> overrides(@Nullable List<DeviceOverride> devices) {
		if (devices == null || devices.isEmpty()) {
			return List.of();
		}
		if (devices.size() > MAX_OVERRIDES) {
			throw ProblemException.invalid(Violation.of("/devices", "at most " + MAX_OVERRIDES + " overrides"));
		}
		List<Violation> errors = new ArrayList<>();
		List<BackendOverride> out = new ArrayList<>();
		Set<DeviceId> named = new HashSet<>();
		for (int i = 0; i < devices.size(); i++) {
			String at = "/devices/" + i;
			DeviceOverride d = devices.get(i);
			if (d == null) {
				errors.add(Violation.of(at, "must be an object"));
				continue;
			}
			int before = errors.size();
			if (d.type() == null) {
				errors.add(Violation.of(at + "/type", "is required: vbd or vif"));
			}
			if (d.devid() == null || d.devid() < 0 || d.devid() > 0xFFFFFF) {
				errors.add(Violation.of(at + "/devid", "is required: 0..16777215"));
			}
			if (d.backendDomid() != null && (d.backendDomid() < 0 || d.backendDomid() > DomId.MAX_GUEST)) {
				errors.add(Violation.of(at + "/backendDomid", "must be 0.." + DomId.MAX_GUEST + ": " + d.backendDomid()));
			}
			if (d.backendDomid() == null && d.bridge() == null && d.target() == null) {
				errors.add(Violation.of(at, "overrides nothing: give backendDomid, bridge (vif) or target (vbd)"));
			}
			if (d.bridge() != null && d.type() == DeviceType.vbd) {
				errors.add(Violation.of(at + "/bridge", "does not apply to a vbd"));
			}
			else if (d.bridge() != null && !DeviceSpec.BRIDGE.matcher(d.bridge()).matches()) {
				errors.add(Violation.of(at + "/bridge", "must be an interface name of 1..15 characters of A-Z a-z 0-9 _ . -"));
			}
			if (d.target() != null && d.type() == DeviceType.vif) {
				errors.add(Violation.of(at + "/target", "does not apply to a vif"));
			}
			else if (d.target() != null && !DeviceSpec.TARGET.matcher(d.target()).matches()) {
				errors.add(Violation.of(at + "/target",
						"must be a volume name or a path of 1..255 characters of A-Z a-z 0-9 _ . : + / -, without . or .. components"));
			}
			if (errors.size() > before) {
				continue;
			}
			DeviceId id = new DeviceId(d.type(), d.devid());
			if (!named.add(id)) {
				errors.add(Violation.of(at, id + " is overridden twice"));
				continue;
			}
			out.add(new BackendOverride(id, d.backendDomid() == null ? null : DomId.of(d.backendDomid()), d.bridge(),
					d.target()));
		}
		if (!errors.isEmpty()) {
			throw ProblemException.invalid(errors);
		}
		return List.copyOf(out);
	}

	/**
	 * Periodic checkpointing: every {@code intervalMs}, {@code count} times or until cancelled; with
	 * {@code outputCommit}, the guest's network output held until the epoch after it is durable.
	 */
	public record PeriodicRequest(@Nullable SuspendStrategy strategy, @Nullable Long intervalMs, @Nullable Integer count,
			@Nullable Long quiesceTimeoutMs, @Nullable Long epochDeadlineMs, @Nullable Boolean outputCommit) {
	}

	public static SuspendStrategy strategy(@Nullable SuspendStrategy s) {
		if (s == null) {
			throw ProblemException
				.invalid(Violation.of("/strategy", "is required: SHADOW_REPLAY or SUSPEND_RESUME"));
		}
		return s;
	}

	public static long range(@Nullable Long value, long fallback, String pointer, long min, long max) {
		long v = value == null ? fallback : value;
		if (v < min || v > max) {
			throw ProblemException.invalid(Violation.of(pointer, "must be " + min + ".." + max + ": " + v));
		}
		return v;
	}

}

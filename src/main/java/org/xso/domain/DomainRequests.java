package org.xso.domain;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.xso.config.DeviceConfig;
import org.xso.problem.ProblemException;
import org.xso.problem.Violation;

/** Request bodies of the domain endpoints. */
public final class DomainRequests {

	private DomainRequests() {
	}

	/** {@code POST /domains}: domid is optional (the lowest free one is taken). */
	public record CreateDomain(@Nullable Integer domid, @Nullable String name, @Nullable Integer memoryMiB,
			@Nullable Integer vcpus, @Nullable List<DeviceConfig> devices) {

		int requiredMemory() {
			return required(memoryMiB, "/memoryMiB");
		}

		int requiredVcpus() {
			return required(vcpus, "/vcpus");
		}

	}

	/** {@code PATCH /domains/{domid}} (JSON merge patch): only the retention can change. */
	public record PatchDomain(@Nullable Integer checkpointRetention) {
	}

	static int required(@Nullable Integer value, String pointer) {
		if (value == null) {
			throw ProblemException.invalid(Violation.of(pointer, "is required"));
		}
		return value;
	}

	static int guestDomid(@Nullable Integer domid, String pointer) {
		if (domid != null && (domid < 1 || domid > 32751)) {
			throw ProblemException.invalid(Violation.of(pointer, "must be 1..32751: " + domid));
		}
		return domid == null ? 0 : domid;
	}

}

package org.xso.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.problem.ProblemException;
import org.xso.problem.Violation;

/** JSON form of a guest's configuration ({@link GuestSpec}). */
public record GuestConfig(String name, int memoryMiB, int vcpus, List<DeviceConfig> devices) {

	/**
	 * A domain name as openapi.yaml gives it ({@code CreateDomainRequest.name}), character for
	 * character: a Xen-like name of 1..64 ASCII letters, digits, '.', '_' and '-' that starts with a
	 * letter or digit. It becomes a xenstore value, a libxl name and a log field, so it holds no
	 * space, slash, markup, control or format character. The pattern means the same to Java (whole
	 * match) and to ECMA-262 (the contract's validators): it is anchored and has no class or escape
	 * whose meaning differs between the two.
	 */
	public static final String NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";

	private static final Pattern NAME = Pattern.compile(NAME_PATTERN);

	public GuestConfig {
		devices = List.copyOf(devices);
	}

	public static GuestConfig from(GuestSpec spec) {
		return new GuestConfig(spec.name(), spec.memoryMiB(), spec.vcpus(),
				spec.devices().stream().map(DeviceConfig::from).toList());
	}

	/** The port's value, or 400 VALIDATION_FAILED with the offending field. */
	public static GuestSpec toSpec(@Nullable String name, int memoryMiB, int vcpus,
			@Nullable List<DeviceConfig> devices) {
		List<DeviceSpec> specs = new ArrayList<>();
		List<DeviceConfig> list = devices == null ? List.of() : devices;
		for (int i = 0; i < list.size(); i++) {
			DeviceConfig device = list.get(i);
			if (device == null) {
				throw ProblemException.invalid(Violation.of("/devices/" + i, "must be a device, not null"));
			}
			specs.add(device.toSpec("/devices/" + i));
		}
		if (name == null || !NAME.matcher(name).matches()) {
			throw ProblemException.invalid(Violation.of("/name",
					"must be 1..64 letters, digits, '.', '_' or '-', starting with a letter or digit"));
		}
		if (memoryMiB < 16 || memoryMiB > 1 << 20) {
			throw ProblemException.invalid(Violation.of("/memoryMiB", "must be 16..1048576: " + memoryMiB));
		}
		if (vcpus < 1 || vcpus > 128) {
			throw ProblemException.invalid(Violation.of("/vcpus", "must be 1..128: " + vcpus));
		}
		try {
			return new GuestSpec(name, memoryMiB, vcpus, specs);
		}
		catch (IllegalArgumentException e) {
			throw ProblemException.invalid(Violation.of("/devices", String.valueOf(e.getMessage())));
		}
	}

}

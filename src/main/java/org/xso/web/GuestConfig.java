package org.xso.web;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;

/** JSON form of a guest's configuration ({@link GuestSpec}). */
public record GuestConfig(String name, int memoryMiB, int vcpus, List<DeviceConfig> devices) {

	/**
	 * A name is 1..64 printable ASCII characters, not all spaces: the pattern openapi.yaml gives it.
	 * (It is a xenstore value and a log field; in ASCII a character is a byte and a UTF-16 unit, so
	 * the contract's length and every store's agree.)
	 */
	private static final Pattern NAME = Pattern.compile("[ -~]*[!-~][ -~]*");

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
				throw ProblemException.invalid(InvalidParam.body("/devices/" + i, "must be a device, not null"));
			}
			specs.add(device.toSpec("/devices/" + i));
		}
		if (name == null || name.length() > 64 || !NAME.matcher(name).matches()) {
			throw ProblemException.invalid(InvalidParam.body("/name",
					"must be 1..64 printable ASCII characters, not only spaces"));
		}
		if (memoryMiB < 16 || memoryMiB > 1 << 20) {
			throw ProblemException.invalid(InvalidParam.body("/memoryMiB", "must be 16..1048576: " + memoryMiB));
		}
		if (vcpus < 1 || vcpus > 128) {
			throw ProblemException.invalid(InvalidParam.body("/vcpus", "must be 1..128: " + vcpus));
		}
		try {
			return new GuestSpec(name, memoryMiB, vcpus, specs);
		}
		catch (IllegalArgumentException e) {
			throw ProblemException.invalid(InvalidParam.body("/devices", String.valueOf(e.getMessage())));
		}
	}

}

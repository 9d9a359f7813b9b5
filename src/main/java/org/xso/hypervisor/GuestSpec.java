package org.xso.hypervisor;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A guest's configuration: what {@code xl create} reads from a domain config file. */
public record GuestSpec(String name, int memoryMiB, int vcpus, List<DeviceSpec> devices) {

	public GuestSpec {
		if (name == null || name.isBlank() || name.length() > 64) {
			throw new IllegalArgumentException("name must be 1..64 characters: " + name);
		}
		if (memoryMiB < 16 || memoryMiB > 1 << 20) {
			throw new IllegalArgumentException("memoryMiB must be 16..1048576: " + memoryMiB);
		}
		if (vcpus < 1 || vcpus > 128) {
			throw new IllegalArgumentException("vcpus must be 1..128: " + vcpus);
		}
		devices = List.copyOf(devices == null ? List.of() : devices);
		Set<DeviceId> seen = new HashSet<>();
		for (DeviceSpec d : devices) {
			if (!seen.add(d.id())) {
				throw new IllegalArgumentException("duplicate device " + d.id());
			}
		}
	}

}

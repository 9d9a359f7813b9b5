package org.xso.hypervisor.libxl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Xen's version as a Linux dom0 exposes it: {@code version/major}, {@code version/minor} and
 * {@code version/extra} under {@code /sys/hypervisor} (the {@code xen_sysfs} driver).
 */
final class HypervisorVersion {

	private HypervisorVersion() {
	}

	static String read(Path sysHypervisor) {
		try {
			Path v = sysHypervisor.resolve("version");
			String extra = Files.isReadable(v.resolve("extra")) ? part(v.resolve("extra")) : "";
			return "Xen " + part(v.resolve("major")) + "." + part(v.resolve("minor")) + extra;
		}
		catch (IOException | RuntimeException e) {
			return "Xen (version not readable from " + sysHypervisor + ")";
		}
	}

	private static String part(Path p) throws IOException {
		return Files.readString(p, StandardCharsets.US_ASCII).strip();
	}

}

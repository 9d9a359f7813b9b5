package org.xso.hypervisor.libxl;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Dom0's bridges, as its kernel lists them: every interface under {@code /sys/class/net} with a
 * {@code bridge} directory (what {@code vif-bridge} joins a vif to). Read each time it is asked, as
 * an administrator may add one at any moment; null where sysfs cannot be read (then nothing is
 * refused on its account: the hotplug script has the last word).
 */
final class LibxlBridges {

	private final Path classNet;

	LibxlBridges(Path classNet) {
		this.classNet = classNet;
	}

	@Nullable
	List<String> dom0() {
		List<String> out = new ArrayList<>();
		try (DirectoryStream<Path> all = Files.newDirectoryStream(classNet)) {
			for (Path dev : all) {
				if (Files.isDirectory(dev.resolve("bridge"))) {
					out.add(dev.getFileName().toString());
				}
			}
		}
		catch (IOException | SecurityException e) {
			return null;
		}
		out.sort(null);
		return List.copyOf(out);
	}

	/** Whether dom0 has {@code bridge}, as far as sysfs tells. */
	boolean mayHave(String bridge) {
		List<String> known = dom0();
		return known == null || known.contains(bridge);
	}

}

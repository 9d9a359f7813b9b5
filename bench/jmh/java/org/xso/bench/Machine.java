package org.xso.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The machine a suite ran on, as every result file records it. */
public final class Machine {

	private Machine() {
	}

	public static Map<String, Object> describe() {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("cores", Runtime.getRuntime().availableProcessors());
		m.put("cpu", cpuModel());
		m.put("memoryGiB", memoryGiB());
		m.put("jdk", System.getProperty("java.runtime.version"));
		m.put("vm", System.getProperty("java.vm.name"));
		m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
				+ System.getProperty("os.arch"));
		m.put("loadAverageAtStart", loadAverage());
		return m;
	}

	private static String cpuModel() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
				if (line.startsWith("model name")) {
					return line.substring(line.indexOf(':') + 1).trim();
				}
			}
		}
		catch (IOException | RuntimeException e) {
			// not Linux: the architecture has to do
		}
		return System.getProperty("os.arch");
	}

	/** The 1-minute load average: how busy the machine was besides the suite. */
	public static double loadAverage() {
		return Stats.round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
	}

	private static long memoryGiB() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
				if (line.startsWith("MemTotal:")) {
					long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
					return Math.round(kib / 1024.0 / 1024.0);
				}
			}
		}
		catch (IOException | RuntimeException e) {
			// not Linux
		}
		return -1;
	}

}

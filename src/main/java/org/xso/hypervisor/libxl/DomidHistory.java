package org.xso.hypervisor.libxl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * libxl's record of recently destroyed domain ids ({@code /var/run/xen/domid-history}: one
 * {@code "<seconds> <domid>"} line per destroy, seconds of CLOCK_MONOTONIC). libxl refuses to create a
 * domain with an id destroyed less than {@link #REUSE_TIMEOUT} ago ("domain id recently used"), so a
 * resume into the id a suspend just gave up has to wait that long. Found on a real Xen 4.17 host:
 * the simulator (and the stand-in) reuse an id at once.
 */
final class DomidHistory {

	/** libxl's LIBXL_DOMID_REUSE_TIMEOUT. */
	static final Duration REUSE_TIMEOUT = Duration.ofSeconds(60);

	static final Path FILE = Path.of("/var/run/xen/domid-history");

	private DomidHistory() {
	}

	/**
	 * How long until libxl lets {@code domid} be created again, given the history's lines and the
	 * monotonic clock now (seconds); zero if it is not recent.
	 */
	static Duration reusableIn(List<String> history, int domid, long nowSeconds) {
		long last = Long.MIN_VALUE;
		for (String line : history) {
			String[] f = line.trim().split("\\s+");
			if (f.length == 2 && f[1].equals(Integer.toString(domid))) {
				try {
					last = Math.max(last, Long.parseLong(f[0]));
				}
				catch (NumberFormatException garbled) {
					// not a line libxl wrote
				}
			}
		}
		if (last == Long.MIN_VALUE) {
			return Duration.ZERO;
		}
		// libxl compares whole seconds: one more makes sure it sees the id as old enough
		long left = last + REUSE_TIMEOUT.toSeconds() + 1 - nowSeconds;
		return left > 0 ? Duration.ofSeconds(left) : Duration.ZERO;
	}

	/**
	 * The same, read from libxl's file on this host (none there: not recent). The seconds are
	 * CLOCK_MONOTONIC's (System.nanoTime on Linux); a wait longer than the timeout itself means the
	 * line was written on another clock, and the wall clock is tried instead.
	 */
	static Duration reusableIn(int domid) {
		try {
			if (!Files.exists(FILE)) {
				return Duration.ZERO;
			}
			List<String> history = Files.readAllLines(FILE);
			Duration wait = reusableIn(history, domid, System.nanoTime() / 1_000_000_000L);
			if (wait.compareTo(REUSE_TIMEOUT.plusSeconds(1)) > 0) {
				wait = reusableIn(history, domid, System.currentTimeMillis() / 1000L);
			}
			return wait.compareTo(REUSE_TIMEOUT.plusSeconds(1)) > 0 ? REUSE_TIMEOUT : wait;
		}
		catch (IOException | RuntimeException e) {
			return Duration.ZERO;
		}
	}

}

package org.xso.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.xso.hypervisor.SuspendStrategy;

/**
 * A peer side by side: libvirt's test driver ({@code virsh -c test:///default}, package
 * libvirt-clients) runs {@code cycles} save + restore and suspend + resume cycles of its built-in
 * domain, timed by virsh itself ({@code -t}), and in the same run the simulator runs as many
 * suspend → resume cycles and live checkpoints of a 1 vbd + 1 vif guest with {@code inFlight}
 * block requests outstanding; the ratio simulator / peer is printed.
 *
 * <p>
 * What the peer models: the domain's lifecycle state machine and its XML; a save writes that XML
 * to a file (about 1 KiB) and a restore reads it back. It models no guest memory, no devices, no
 * rings, grants, event channels or xenstore, and no I/O in flight. Without {@code virsh} on the
 * PATH the suite says so in its results and measures the simulator alone.
 */
final class PeerRun {

	static final Pattern TIME = Pattern.compile("\\(Time: ([0-9.]+) ms\\)");

	private PeerRun() {
	}

	static Path run(Map<String, String> p, String command, Path out) throws Exception {
		int cycles = Bench.intParam(p, "cycles", 200);
		int inFlight = Bench.intParam(p, "inFlight", 32);
		String virsh = p.getOrDefault("virsh", "virsh");
		Results results = new Results("peer", command, Map.of("cycles", cycles, "inFlight", inFlight, "virsh", virsh));
		Optional<String> version = version(virsh);
		results.put("peer", version.map((v) -> "libvirt test driver, virsh " + v)
			.orElse("virsh not found on the PATH (Debian/Ubuntu: apt-get install libvirt-clients): peer not measured"));
		Map<String, Stats> peer = Map.of();
		if (version.isPresent()) {
			// about one virsh session in ten started from a JVM here never times its first command (both
			// of its threads wait in poll with its stdin at end of file; not seen from a shell): such a
			// session is killed after STARTUP_LIMIT and started again, and the result says how many ran
			int starts = 0;
			do {
				starts++;
				peer = peer(virsh, cycles);
			}
			while (peer.isEmpty() && starts < MAX_STARTS);
			if (peer.isEmpty()) {
				throw new IllegalStateException("virsh answered no command in " + MAX_STARTS + " sessions of "
						+ STARTUP_LIMIT.toSeconds() + " s each");
			}
			results.put("virshSessionsStarted", starts);
		}
		Map<String, Stats> sim = simulator(cycles, inFlight);
		row(results, "save + restore", peer.get("save+restore"), "suspend -> resume, SHADOW_REPLAY",
				sim.get("SHADOW_REPLAY"));
		row(results, "save + restore", peer.get("save+restore"), "suspend -> resume, SUSPEND_RESUME",
				sim.get("SUSPEND_RESUME"));
		row(results, "suspend + resume (pause)", peer.get("suspend+resume"), "live checkpoint, SHADOW_REPLAY",
				sim.get("live"));
		if (peer.containsKey("save+restore")) {
			double peerMs = peer.get("save+restore").meanMs();
			double best = Math.min(sim.get("SHADOW_REPLAY").meanMs(), sim.get("SUSPEND_RESUME").meanMs());
			results.target("1 vbd + 1 vif suspend -> resume no slower than the peer's save + restore",
					"ratio <= 1", best / peerMs, "x", best <= peerMs,
					"best strategy's mean over the peer's mean, same run");
		}
		results.print();
		System.out.println(results.root.get("peer"));
		return results.write(out);
	}

	private static void row(Results results, String peerOp, Stats peer, String simOp, Stats sim) {
		Map<String, Object> r = results.row();
		r.put("peerOperation", peerOp);
		r.put("peerMeanMs", peer == null ? Double.NaN : Stats.round(peer.meanMs()));
		r.put("peerP50Ms", peer == null ? Double.NaN : Stats.round(peer.percentileMs(50)));
		r.put("simulatorOperation", simOp);
		r.put("simulatorMeanMs", Stats.round(sim.meanMs()));
		r.put("simulatorP50Ms", Stats.round(sim.percentileMs(50)));
		r.put("ratio", peer == null ? Double.NaN : Stats.round(sim.meanMs() / peer.meanMs()));
	}

	static Optional<String> version(String virsh) {
		try {
			Process p = new ProcessBuilder(virsh, "--version").redirectErrorStream(true).start();
			String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			return (p.waitFor() == 0) ? Optional.of(v) : Optional.empty();
		}
		catch (IOException e) {
			return Optional.empty();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
	}

	/** Sessions started before the peer run gives up on a virsh that never answers. */
	static final int MAX_STARTS = 3;

	/** How long a new virsh session may take to answer its first command. */
	static final Duration STARTUP_LIMIT = Duration.ofSeconds(10);

	/**
	 * One virsh session: {@code cycles} save + restore, then as many suspend + resume; per-command
	 * times. Empty if virsh timed no command within {@link #STARTUP_LIMIT} (it is killed).
	 */
	static Map<String, Stats> peer(String virsh, int cycles) throws IOException, InterruptedException {
		Path dir = Files.createTempDirectory("xso-peer");
		Path image = dir.resolve("test.img");
		try {
			Process p = new ProcessBuilder(virsh, "-t", "-q", "-c", "test:///default").redirectErrorStream(true)
				.start();
			// a virsh that stops answering is killed, which ends the read below
			Duration limit = Duration.ofSeconds(60).plusMillis(100L * cycles);
			CompletableFuture<Process> watchdog = p.onExit()
				.orTimeout(limit.toMillis(), TimeUnit.MILLISECONDS)
				.whenComplete((done, timedOut) -> p.destroyForcibly());
			AtomicBoolean answered = new AtomicBoolean();
			CompletableFuture.runAsync(() -> {
				if (!answered.get()) {
					p.destroyForcibly();
				}
			}, CompletableFuture.delayedExecutor(STARTUP_LIMIT.toMillis(), TimeUnit.MILLISECONDS));
			try {
				// the commands go in from another thread: virsh's answers fill the pipe long before the script ends
				Thread feeder = new Thread(() -> feed(p, image, cycles), "virsh-feeder");
				feeder.setDaemon(true);
				feeder.start();
				List<Double> times = new ArrayList<>();
				try (BufferedReader r = new BufferedReader(
						new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = r.readLine()) != null) {
						Matcher m = TIME.matcher(line);
						if (m.find()) {
							answered.set(true);
							times.add(Double.parseDouble(m.group(1)));
						}
						else if (line.startsWith("error")) {
							throw new IllegalStateException("virsh: " + line);
						}
					}
				}
				feeder.join(limit.toMillis());
				if (!answered.get()) {
					return Map.of();
				}
				if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0
						|| times.size() < 4 * cycles) {
					throw new IllegalStateException("virsh reported " + times.size() + " timings, expected "
							+ 4 * cycles + (watchdog.isCompletedExceptionally() ? " (killed after " + limit + ")" : ""));
				}
				Map<String, Stats> stats = new LinkedHashMap<>();
				stats.put("save+restore", pairs(times, 0, cycles));
				stats.put("suspend+resume", pairs(times, 2 * cycles, cycles));
				return stats;
			}
			finally {
				p.destroyForcibly();
			}
		}
		finally {
			Files.deleteIfExists(image);
			Files.deleteIfExists(dir);
		}
	}

	private static void feed(Process p, Path image, int cycles) {
		try (Writer w = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
			for (int i = 0; i < cycles; i++) {
				w.write("save test " + image + "\nrestore " + image + "\n");
			}
			for (int i = 0; i < cycles; i++) {
				w.write("suspend test\nresume test\n");
			}
			w.write("quit\n");
		}
		catch (IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
	}

	private static Stats pairs(List<Double> times, int from, int cycles) {
		Stats s = new Stats();
		for (int i = 0; i < cycles; i++) {
			double ms = times.get(from + 2 * i) + times.get(from + 2 * i + 1);
			s.add(Math.round(ms * 1e6));
		}
		return s;
	}

	/** The simulator's cycles: a tenth of {@code cycles} as warm-up, then {@code cycles} timed. */
	static Map<String, Stats> simulator(int cycles, int inFlight) {
		Map<String, Stats> stats = new LinkedHashMap<>();
		for (SuspendStrategy strategy : SuspendStrategy.values()) {
			try (BenchGuest guest = new BenchGuest(true, inFlight, Duration.ofNanos(50_000))) {
				Stats s = new Stats();
				for (int i = 0; i < cycles + cycles / 10; i++) {
					long t0 = System.nanoTime();
					guest.suspendResume(strategy);
					if (i >= cycles / 10) {
						s.add(System.nanoTime() - t0);
					}
				}
				stats.put(strategy.name(), s);
				if (strategy == SuspendStrategy.SHADOW_REPLAY) {
					Stats live = new Stats();
					for (int i = 0; i < cycles; i++) {
						long t0 = System.nanoTime();
						guest.liveCheckpoint(strategy);
						live.add(System.nanoTime() - t0);
					}
					stats.put("live", live);
				}
			}
		}
		return stats;
	}

}

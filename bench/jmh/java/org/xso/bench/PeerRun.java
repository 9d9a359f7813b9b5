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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.xso.hypervisor.SuspendStrategy;

/**
 * A peer side by side: libvirt's test driver ({@code virsh -c test:///default}, package
 * libvirt-clients) runs {@code cycles} save + restore and suspend + resume cycles of its built-in
 * domain, timed by virsh itself ({@code -t}), and in the same run the simulator runs as many
 * suspend → resume cycles and live checkpoints of a 1 vbd + 1 vif guest with {@code inFlight}
 * block requests outstanding; the ratio simulator / peer is printed, of the means and of the p50s
 * (virsh's mean is driven by a few slow commands).
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
		Duration answerLimit = Duration.ofMillis(Bench.intParam(p, "answerLimitMs", (int) ANSWER_LIMIT.toMillis()));
		Results results = new Results("peer", command, Map.of("cycles", cycles, "inFlight", inFlight, "virsh", virsh,
				"answerLimitMs", answerLimit.toMillis()));
		Optional<String> version = version(virsh);
		results.put("peer", version.map((v) -> "libvirt test driver, virsh " + v)
			.orElse("virsh not found on the PATH (Debian/Ubuntu: apt-get install libvirt-clients): peer not measured"));
		Map<String, Stats> peer = Map.of();
		if (version.isPresent()) {
			Peer measured = peer(virsh, cycles, answerLimit);
			peer = measured.stats();
			results.put("virshSessionsStarted", measured.sessions());
			results.put("virshSessionsHung", measured.hung());
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
			double peerP50 = peer.get("save+restore").percentileMs(50);
			double bestP50 = Math.min(sim.get("SHADOW_REPLAY").percentileMs(50),
					sim.get("SUSPEND_RESUME").percentileMs(50));
			results.target("1 vbd + 1 vif suspend -> resume no slower than the peer's save + restore, p50s",
					"ratio <= 1", bestP50 / peerP50, "x", bestP50 <= peerP50,
					"best strategy's p50 over the peer's p50, same run");
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
		r.put("meanRatio", peer == null ? Double.NaN : Stats.round(sim.meanMs() / peer.meanMs()));
		r.put("p50Ratio", peer == null ? Double.NaN : Stats.round(sim.percentileMs(50) / peer.percentileMs(50)));
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

	/** Sessions in a row that time no whole cycle before the peer run gives up on virsh. */
	static final int MAX_IDLE_SESSIONS = 3;

	/**
	 * How long virsh may take to answer one command by default (parameter {@code answerLimitMs}; the
	 * test driver answers in a millisecond or two). A session silent for longer is taken as hung: it
	 * is killed and a new one continues, so a slow machine costs a session, never the run.
	 */
	static final Duration ANSWER_LIMIT = Duration.ofSeconds(10);

	/** The peer's timings per operation, and how many virsh sessions it took (those that hung included). */
	record Peer(Map<String, Stats> stats, int sessions, int hung) {
	}

	/**
	 * {@code cycles} save + restore, then as many suspend + resume, timed per command by virsh.
	 *
	 * <p>
	 * virsh 9.0 sometimes never answers a {@code save}: the command's job watcher waits in
	 * {@code g_main_loop_run} for a quit its worker thread already sent before the loop ran (the
	 * worker is gone; seen with gdb, about one save in thirty when virsh is started from a JVM, at
	 * any point of a session). A session that answers nothing for {@code answerLimit} is therefore
	 * killed and a new one continues from the first cycle not yet timed whole (a new session's
	 * domain is running again, as after a whole cycle). Only {@link #MAX_IDLE_SESSIONS} sessions in
	 * a row that time no whole cycle make the run give up.
	 */
	static Peer peer(String virsh, int cycles, Duration answerLimit) throws IOException, InterruptedException {
		Path dir = Files.createTempDirectory("xso-peer");
		Path image = dir.resolve("test.img");
		try {
			List<String> commands = new ArrayList<>();
			for (int i = 0; i < cycles; i++) {
				commands.add("save test " + image);
				commands.add("restore " + image);
			}
			for (int i = 0; i < cycles; i++) {
				commands.add("suspend test");
				commands.add("resume test");
			}
			List<Double> times = new ArrayList<>();
			int sessions = 0;
			int hung = 0;
			int idle = 0;
			while (times.size() < commands.size()) {
				if (idle == MAX_IDLE_SESSIONS) {
					throw new IllegalStateException("virsh timed no whole cycle in " + MAX_IDLE_SESSIONS
							+ " sessions in a row (" + sessions + " sessions, " + times.size() + " of "
							+ commands.size() + " commands timed)");
				}
				sessions++;
				int from = times.size();
				boolean finished = session(virsh, commands.subList(from, commands.size()), times, answerLimit);
				if (!finished) {
					hung++;
				}
				// keep whole cycles only: the next session starts at a cycle's first command
				while (times.size() % 2 != 0) {
					times.remove(times.size() - 1);
				}
				idle = (times.size() > from) ? 0 : idle + 1;
			}
			Map<String, Stats> stats = new LinkedHashMap<>();
			stats.put("save+restore", pairs(times, 0, cycles));
			stats.put("suspend+resume", pairs(times, 2 * cycles, cycles));
			return new Peer(stats, sessions, hung);
		}
		finally {
			Files.deleteIfExists(image);
			Files.deleteIfExists(dir);
		}
	}

	/**
	 * One virsh session running {@code commands}; each command's time is added to {@code times}.
	 * False if virsh went silent for {@code answerLimit} (it is killed); throws if virsh reports
	 * an error or ends without timing every command.
	 */
	private static boolean session(String virsh, List<String> commands, List<Double> times, Duration answerLimit)
			throws IOException, InterruptedException {
		Process p = new ProcessBuilder(virsh, "-t", "-q", "-c", "test:///default").redirectErrorStream(true).start();
		try {
			// the commands go in from another thread: virsh's answers fill the pipe long before the script ends
			Thread feeder = new Thread(() -> feed(p, commands), "virsh-feeder");
			feeder.setDaemon(true);
			feeder.start();
			// lines come through a queue, so waiting for the next one can time out; the reader ends
			// at end of file, or with an exception once the process is killed
			BlockingQueue<String> lines = new LinkedBlockingQueue<>();
			Thread reader = new Thread(() -> read(p, lines), "virsh-reader");
			reader.setDaemon(true);
			reader.start();
			int timed = 0;
			while (true) {
				String line = lines.poll(answerLimit.toMillis(), TimeUnit.MILLISECONDS);
				if (line == null) {
					return false;
				}
				if (line == END) {
					break;
				}
				Matcher m = TIME.matcher(line);
				if (m.find()) {
					times.add(Double.parseDouble(m.group(1)));
					timed++;
				}
				else if (line.startsWith("error")) {
					throw new IllegalStateException("virsh: " + line);
				}
			}
			if (!p.waitFor(answerLimit.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0
					|| timed < commands.size()) {
				throw new IllegalStateException("virsh ended after timing " + timed + " of " + commands.size()
						+ " commands" + (p.isAlive() ? "" : " with exit status " + p.exitValue()));
			}
			return true;
		}
		finally {
			p.destroyForcibly();
		}
	}

	/** What the reader puts in the queue at end of file (compared by identity). */
	private static final String END = new String("end of virsh's output");

	private static void read(Process p, BlockingQueue<String> lines) {
		try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = r.readLine()) != null) {
				lines.add(line);
			}
			lines.add(END);
		}
		catch (IOException e) {
			// the process was killed (destroying it closes its output): the session has ended already
		}
	}

	private static void feed(Process p, List<String> commands) {
		try (Writer w = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
			for (String c : commands) {
				w.write(c + "\n");
			}
			w.write("quit\n");
		}
		catch (IOException e) {
			// virsh was killed before it read every command: the session has ended already
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

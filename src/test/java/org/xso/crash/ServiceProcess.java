package org.xso.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged service ({@code java -jar} the Boot jar) as an operating-system process of its own:
 * started on a free port against a database and a data directory that outlive it, ready once its
 * readiness probe answers 200 (after startup recovery and reconciliation, which run before the
 * application is ready), and killed with SIGKILL.
 */
final class ServiceProcess {

	/** What {@code kill -9} leaves as the exit status of a JVM: 128 + SIGKILL. */
	static final int SIGKILL_EXIT = 128 + 9;

	/**
	 * Every service still running, killed when the test JVM stops (a timed-out or interrupted run
	 * must not leave services running their guests' workloads on the machine).
	 */
	private static final java.util.Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "crash-matrix-reaper"));
	}

	private final Process process;

	private final int port;

	private final Path log;

	private final Api api;

	private ServiceProcess(Process process, int port, Path log, Path tokenFile) {
		this.process = process;
		this.port = port;
		this.log = log;
		this.api = new Api(port, tokenFile);
	}

	/** What every start shares: the jar, the JVM, the database and the data directory. */
	record Launch(Path jar, CrashDatabase database, Path dataDirectory, String instanceId, List<String> jvmOptions) {
	}

	/**
	 * Starts the service and waits until it is ready; throws {@link NotReady} with the end of its log
	 * if it exits or is not ready within {@code readyWithin}.
	 */
	static ServiceProcess start(Launch launch, Path log, Duration readyWithin) {
		int port = freePort();
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(launch.jvmOptions());
		command.add("-jar");
		command.add(launch.jar().toAbsolutePath().toString());
		command.add("--server.port=" + port);
		command.addAll(launch.database().serviceArguments());
		command.add("--xso.sim.snapshot-dir=" + launch.dataDirectory().resolve("disks").toAbsolutePath());
		command.add("--xso.libxl.state-dir=" + launch.dataDirectory().resolve("libxl").toAbsolutePath());
		// the matrix creates its own guests; the demo guests would only add load
		command.add("--xso.demo.enabled=false");
		// a restarted instance recognises its own leases at once (the documented production setting)
		command.add("--xso.instance-id=" + launch.instanceId());
		command.add("--spring.main.banner-mode=off");
		try {
			Files.createDirectories(log.getParent());
			Process p = new ProcessBuilder(command).directory(launch.dataDirectory().toFile())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			LIVE.add(p);
			p.onExit().thenRun(() -> LIVE.remove(p));
			ServiceProcess service = new ServiceProcess(p, port, log,
					launch.dataDirectory().resolve("data").resolve("admin-token"));
			service.awaitReady(readyWithin);
			return service;
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot start " + command, e);
		}
	}

	/** The service did not come up. */
	static final class NotReady extends RuntimeException {

		NotReady(String message) {
			super(message);
		}

	}

	private void awaitReady(Duration within) {
		Instant deadline = Instant.now().plus(within);
		while (Instant.now().isBefore(deadline)) {
			if (!process.isAlive()) {
				throw new NotReady("the service exited with status " + process.exitValue() + " before it was ready; log "
						+ log + " ends:\n" + logTail(25));
			}
			try {
				if (api.get("/actuator/health/readiness").status() == 200) {
					return;
				}
			}
			catch (UncheckedIOException e) {
				// not listening yet
			}
			sleep(Duration.ofMillis(100));
		}
		process.destroyForcibly();
		throw new NotReady("the service was not ready within " + within.toSeconds() + " s; log " + log + " ends:\n"
				+ logTail(25));
	}

	Api api() {
		return api;
	}

	long pid() {
		return process.pid();
	}

	boolean alive() {
		return process.isAlive();
	}

	Path log() {
		return log;
	}

	/**
	 * {@code kill -9}: {@link Process#destroyForcibly()} sends SIGKILL on Linux, which the exit
	 * status (137) confirms. Returns the instant just before the signal.
	 */
	Instant kill() {
		Instant at = Instant.now();
		process.destroyForcibly();
		try {
			int status = process.waitFor();
			if (status != SIGKILL_EXIT) {
				throw new IllegalStateException("pid " + process.pid() + " exited with " + status + ", not "
						+ SIGKILL_EXIT + " (SIGKILL): the harness did not kill it with -9");
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while killing pid " + process.pid(), e);
		}
		return at;
	}

	/** Stops what is left at the end of a run (the same SIGKILL: nothing depends on a clean stop). */
	void stop() {
		if (process.isAlive()) {
			kill();
		}
	}

	String logTail(int lines) {
		try {
			List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException | UncheckedIOException e) {
			return "(log unreadable: " + e.getMessage() + ")";
		}
	}

	private static int freePort() {
		try (ServerSocket s = new ServerSocket(0)) {
			s.setReuseAddress(true);
			return s.getLocalPort();
		}
		catch (IOException e) {
			throw new UncheckedIOException("no free port", e);
		}
	}

	static void sleep(Duration d) {
		try {
			Thread.sleep(d.toMillis());
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", e);
		}
	}

}

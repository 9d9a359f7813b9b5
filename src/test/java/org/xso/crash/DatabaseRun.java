package org.xso.crash;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The matrix's cells on one database, one after another, on one service process at a time: each
 * cell sets up on the process the previous cell restarted, kills it, and restarts it (one start
 * per cell). The database and the data directory (disk snapshots) outlive every process of the run.
 */
final class DatabaseRun {

	/** A start on a busy two-core machine takes 10 to 30 s; this bound only catches a hang. */
	static final Duration READY = Duration.ofSeconds(180);

	private final String name;

	private final CrashDatabase database;

	private final ServiceProcess.Launch launch;

	private final Path logs;

	private final Instant began = Instant.now();

	private ServiceProcess service;

	private int starts;

	private int nextDomid = 10;

	private Cell current;

	DatabaseRun(String name, CrashDatabase database, Path jar, Path dataDirectory, Path logs, List<String> jvmOptions) {
		this.name = name;
		this.database = database;
		this.launch = new ServiceProcess.Launch(jar, database, dataDirectory, "crash-matrix-" + name, jvmOptions);
		this.logs = logs;
	}

	String title() {
		return database.title();
	}

	CrashDatabase database() {
		return database;
	}

	ServiceProcess service() {
		return service;
	}

	int nextDomid() {
		return nextDomid++;
	}

	List<CellResult> run(List<Cell> cells) {
		List<CellResult> results = new ArrayList<>();
		try {
			for (Cell cell : cells) {
				current = cell;
				if (service == null || !service.alive()) {
					CellResult notRun = new CellResult(cell, title());
					if (!start("before-" + cell.id(), notRun)) {
						results.add(notRun);
						continue;
					}
				}
				log(cell, "start (pid " + service.pid() + ")");
				CellResult r = new CellDriver(this, cell).run();
				log(cell, (r.ok() ? "ok " + r.outcome() : "FAIL " + r.findings().size() + " finding(s)") + " in "
						+ r.took().toSeconds() + " s");
				results.add(r);
			}
		}
		finally {
			if (service != null) {
				service.stop();
			}
			database.close();
		}
		return results;
	}

	/**
	 * Starts the service again on the same database after a kill; false (with a finding) if it does
	 * not come back.
	 */
	boolean restart(Cell cell, CellResult result) {
		return start(cell.id(), result);
	}

	private boolean start(String what, CellResult result) {
		starts++;
		Path log = logs.resolve(String.format("%02d-%s.log", starts, what));
		Instant t0 = Instant.now();
		try {
			service = ServiceProcess.start(launch, log, READY);
			log(current, "ready in " + Duration.between(t0, Instant.now()).toMillis() + " ms (" + log.getFileName() + ")");
			return true;
		}
		catch (ServiceProcess.NotReady e) {
			service = null;
			result.fail("restart", "the service ready on the same database within " + READY.toSeconds() + " s",
					e.getMessage());
			log(current, "did not start: " + e.getMessage());
			return false;
		}
	}

	void log(Cell cell, String message) {
		long s = Duration.between(began, Instant.now()).toSeconds();
		System.out.printf("[crash %s %3d:%02d] %s: %s%n", name, s / 60, s % 60, cell == null ? "-" : cell.id(),
				message);
	}

}

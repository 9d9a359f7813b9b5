package org.xso.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The kill -9 matrix: the packaged service as a process of its own, killed with SIGKILL right after
 * each 2xx and in each phase of each operation kind, restarted on the same database (an H2 file and
 * a schema of the local PostgreSQL), and checked: what the API confirmed is there; the operation
 * ends in a named state with a recovery note; no half checkpoint; the guest is usable, nothing lost
 * or duplicated, and its disk verifies. It prints the matrix (kind × kill point × database) and
 * fails listing every bad cell, each with what was expected and what was found.
 *
 * <p>
 * Runs in {@code ./mvnw verify} (failsafe, after {@code package}) when {@code crash.matrix} is
 * true. Options (system properties): {@code crash.matrix.databases} (default {@code h2,postgresql}),
 * {@code crash.matrix.cells} (a regular expression over cell ids such as {@code resume-restore}),
 * {@code crash.matrix.parallel} (the databases' runs side by side, default true),
 * {@code crash.matrix.cds} (class data sharing for faster starts, see {@link PackagedService}; default
 * true), {@code crash.jar} (the Boot jar; the pom passes it). Logs of every service start:
 * {@code target/crash-matrix}, the matrix itself {@code target/crash-matrix/matrix.txt}.
 */
@EnabledIfSystemProperty(named = "crash.matrix", matches = "true")
class CrashMatrixIT {

	/** Start-up costs, not throughput, dominate: the client compiler starts the service fastest. */
	static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-Xmx1g");

	@Test
	@Timeout(value = 40, unit = TimeUnit.MINUTES)
	void everyKillEndsInATrueStateWithNothingLost() throws Exception {
		Path jar = jar();
		List<String> databases = Arrays.stream(System.getProperty("crash.matrix.databases", "h2,postgresql").split(","))
			.map(String::trim)
			.filter(s -> !s.isEmpty())
			.toList();
		Pattern only = Pattern.compile(System.getProperty("crash.matrix.cells", ".*"));
		List<Cell> cells = Cell.all().stream().filter(c -> only.matcher(c.id()).find()).toList();
		assertThat(cells).as("cells matching crash.matrix.cells").isNotEmpty();
		boolean parallel = Boolean.parseBoolean(System.getProperty("crash.matrix.parallel", "true"));
		Path logs = Path.of("target", "crash-matrix");
		deleteTree(logs);
		Path data = Files.createTempDirectory("xso-crash-matrix");
		String loadBefore = loadAverage();
		Instant t0 = Instant.now();
		PackagedService service = PackagedService.prepare(jar, data, JVM_OPTIONS,
				Boolean.parseBoolean(System.getProperty("crash.matrix.cds", "true")));
		System.out.printf("[crash] running %s %s (prepared in %d s)%n", service.jvmOptions(), service.jar(),
				Duration.between(t0, Instant.now()).toSeconds());
		Map<String, List<CellResult>> results = new LinkedHashMap<>();
		ExecutorService pool = Executors.newFixedThreadPool(parallel ? databases.size() : 1);
		try {
			Map<String, Future<List<CellResult>>> runs = new LinkedHashMap<>();
			for (String db : databases) {
				Path dir = Files.createDirectories(data.resolve(db));
				runs.put(db, pool.submit(() -> {
					CrashDatabase database = CrashDatabase.named(db);
					return new DatabaseRun(db, database, service.jar(), dir, logs.resolve(db), service.jvmOptions())
						.run(cells);
				}));
			}
			for (Map.Entry<String, Future<List<CellResult>>> e : runs.entrySet()) {
				results.put(e.getKey(), e.getValue().get());
			}
		}
		finally {
			pool.shutdownNow();
			deleteTree(data);
		}
		Duration took = Duration.between(t0, Instant.now());
		List<CellResult> bad = MatrixReport.bad(results, databases);
		String header = String.format(
				"kill -9 matrix: %d cells x %d database(s), %d bad; took %d min %02d s; load average (1, 5, 15 min) %s -> %s",
				cells.size(), databases.size(), bad.size(), took.toMinutes(), took.toSecondsPart(), loadBefore,
				loadAverage());
		String report = MatrixReport.render(cells, databases, results, header);
		Files.createDirectories(logs);
		Files.writeString(logs.resolve("matrix.txt"), report, StandardCharsets.UTF_8);
		System.out.println();
		System.out.println(report);
		assertThat(bad).as("bad cells of the kill -9 matrix (target/crash-matrix/matrix.txt):%n%s", report).isEmpty();
	}

	private static Path jar() throws IOException {
		String configured = System.getProperty("crash.jar");
		if (configured != null && !configured.isBlank()) {
			return Path.of(configured);
		}
		try (Stream<Path> files = Files.list(Path.of("target"))) {
			return files.filter(p -> p.toString().endsWith(".jar") && !p.getFileName().toString().contains("-tests"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("no Boot jar in target/: run ./mvnw package first"));
		}
	}

	private static String loadAverage() {
		try {
			String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return f[0] + ", " + f[1] + ", " + f[2];
		}
		catch (IOException e) {
			return "unknown";
		}
	}

	private static void deleteTree(Path root) throws IOException {
		if (!Files.exists(root)) {
			return;
		}
		List<Path> all = new ArrayList<>();
		try (Stream<Path> walk = Files.walk(root)) {
			walk.forEach(all::add);
		}
		all.sort(Comparator.reverseOrder());
		for (Path p : all) {
			Files.deleteIfExists(p);
		}
	}

}

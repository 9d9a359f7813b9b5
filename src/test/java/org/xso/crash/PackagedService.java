package org.xso.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How the matrix runs the Boot jar. The matrix starts the service about fifty times, so start-up
 * time is most of its cost: with {@code cds} the jar is first extracted the way Spring Boot documents
 * for class data sharing ({@code java -Djarmode=tools -jar app.jar extract}) and one training start
 * writes the archive that every later start maps ({@code -XX:SharedArchiveFile}); the extracted
 * application is the same jar's classes and dependencies, started with {@code java -jar}. If the
 * extraction or the training fails, the Boot jar itself is run.
 */
record PackagedService(Path jar, List<String> jvmOptions) {

	static PackagedService prepare(Path bootJar, Path directory, List<String> jvmOptions, boolean cds) {
		if (!cds) {
			return new PackagedService(bootJar, jvmOptions);
		}
		try {
			Path app = directory.resolve("app");
			run(List.of(java(), "-Djarmode=tools", "-jar", bootJar.toAbsolutePath().toString(), "extract",
					"--destination", app.toString()), directory, directory.resolve("extract.log"));
			Path extracted = app.resolve(bootJar.getFileName());
			Path archive = app.resolve("app.jsa");
			List<String> training = new ArrayList<>(List.of(java(), "-XX:ArchiveClassesAtExit=" + archive,
					"-Dspring.context.exit=onRefresh", "-jar", extracted.toString(), "--server.port=0",
					"--spring.datasource.url=jdbc:h2:file:" + directory.resolve("training").toAbsolutePath()
							+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
					"--xso.sim.snapshot-dir=" + directory.resolve("training-disks").toAbsolutePath(),
					"--xso.demo.enabled=false"));
			run(training, directory, directory.resolve("training.log"));
			if (!Files.isRegularFile(extracted) || !Files.isRegularFile(archive)) {
				throw new IllegalStateException("no " + extracted + " or " + archive);
			}
			List<String> options = new ArrayList<>(jvmOptions);
			options.add("-XX:SharedArchiveFile=" + archive);
			return new PackagedService(extracted, options);
		}
		catch (RuntimeException e) {
			System.out.println("[crash] class data sharing not prepared (" + e.getMessage() + "); running the Boot jar");
			return new PackagedService(bootJar, jvmOptions);
		}
	}

	private static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private static void run(List<String> command, Path directory, Path log) {
		try {
			Process p = new ProcessBuilder(command).directory(directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			Duration limit = Duration.ofMinutes(5);
			if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
				p.destroyForcibly();
				throw new IllegalStateException(command.get(1) + " did not finish in " + limit.toMinutes() + " min");
			}
			if (p.exitValue() != 0) {
				throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + " (" + log + ")");
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", e);
		}
	}

}

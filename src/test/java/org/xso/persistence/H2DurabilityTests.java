package org.xso.persistence;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded default database keeps what it committed when the process is killed: a child JVM
 * commits transactions on an H2 file database opened with the options of {@code application.yml},
 * then halts at once (no shutdown hook, no close: what {@code kill -9} leaves), and every commit
 * must be there when the database is opened again. H2's MVStore writes committed changes in the
 * background every 500 ms unless {@code WRITE_DELAY=0} makes each commit write its chunk.
 */
class H2DurabilityTests {

	private static final int COMMITS = 50;

	@TempDir
	Path dir;

	@Test
	void everyCommitSurvivesAKilledProcess() throws Exception {
		String url = embeddedUrl().replace("./data/xso", dir.resolve("xso").toString());
		assertThat(url).startsWith("jdbc:h2:file:").contains(dir.toString());

		for (int run = 0; run < 3; run++) {
			Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					"-cp", System.getProperty("java.class.path"), CommitThenHalt.class.getName(), url,
					Integer.toString(run)))
				.redirectErrorStream(true)
				.start();
			String output = new String(child.getInputStream().readAllBytes());
			assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
			assertThat(child.exitValue()).as(output).isEqualTo(CommitThenHalt.HALTED);

			try (Connection c = DriverManager.getConnection(url, "sa", "");
					Statement s = c.createStatement();
					ResultSet r = s.executeQuery("select count(*), max(n) from committed where run = " + run)) {
				r.next();
				assertThat(r.getInt(1)).as("rows committed in run %d before the kill", run).isEqualTo(COMMITS);
				assertThat(r.getInt(2)).isEqualTo(COMMITS - 1);
			}
		}
	}

	private static String embeddedUrl() throws IOException {
		return new YamlPropertySourceLoader().load("application", new ClassPathResource("application.yml"))
			.get(0)
			.getProperty("spring.datasource.url")
			.toString();
	}

	/** The child: one transaction per row, each committed, then {@code Runtime.halt}. */
	static final class CommitThenHalt {

		static final int HALTED = 137;

		public static void main(String[] args) throws SQLException {
			try (Connection c = DriverManager.getConnection(args[0], "sa", "")) {
				c.createStatement().execute("create table if not exists committed(run int, n int, payload bytea)");
				c.setAutoCommit(false);
				var insert = c.prepareStatement("insert into committed values (?, ?, ?)");
				for (int n = 0; n < COMMITS; n++) {
					insert.setInt(1, Integer.parseInt(args[1]));
					insert.setInt(2, n);
					insert.setBytes(3, new byte[32 * 1024]);
					insert.executeUpdate();
					c.commit();
				}
				Runtime.getRuntime().halt(HALTED);
			}
		}

	}

}

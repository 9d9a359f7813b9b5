package org.xso.persistence;

import java.io.IOException;
import java.nio.file.Files;
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

	/** RETENTION_TIME of the embedded default. */
	private static final long RETENTION_MS = 1000;

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

	/**
	 * With a chunk written per commit, the file must reuse the space of chunks that no longer hold
	 * live rows: the same churn, repeated after the retention time has passed, must not grow it by
	 * what it writes (H2's default 45 s retention grew it by every byte written meanwhile).
	 */
	@Test
	void theFileReusesTheSpaceOfDeletedRows() throws Exception {
		String url = embeddedUrl().replace("./data/xso", dir.resolve("churn").toString());
		Path file = dir.resolve("churn.mv.db");
		long afterFirst = 0;
		long afterLast;
		try (Connection c = DriverManager.getConnection(url, "sa", "")) {
			c.createStatement().execute("create table churn(id bigint primary key, payload bytea)");
			c.setAutoCommit(false);
			var insert = c.prepareStatement("insert into churn values (?, ?)");
			var delete = c.prepareStatement("delete from churn where id = ?");
			long id = 0;
			for (int round = 0; round < 3; round++) {
				for (int i = 0; i < 300; i++, id++) {
					insert.setLong(1, id);
					insert.setBytes(2, new byte[128 * 1024]);
					insert.executeUpdate();
					c.commit();
					delete.setLong(1, id);
					delete.executeUpdate();
					c.commit();
				}
				if (round == 0) {
					afterFirst = Files.size(file);
				}
				// the chunks of this round become reusable once older than the retention time
				Thread.sleep(2 * RETENTION_MS);
			}
			afterLast = Files.size(file); // before the close, which compacts the file
		}
		long written = 300L * 128 * 1024;
		assertThat(afterFirst).isGreaterThan(written / 2);
		assertThat(afterLast - afterFirst).as("growth over two more rounds of %d bytes each", written)
			.isLessThan(written / 2);
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

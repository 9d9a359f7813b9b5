package org.xso.crash;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The database a service process of the matrix runs on, kept across its kills and restarts: the
 * service's embedded H2 file database in the run's data directory, or a fresh schema of the local PostgreSQL (127.0.0.1:5432,
 * database {@code test}, user {@code postgres}) that is dropped when the run ends.
 */
sealed interface CrashDatabase extends AutoCloseable {

	/** The column title in the matrix. */
	String title();

	/** The service's command-line properties that point it at this database. */
	List<String> serviceArguments();

	/**
	 * Whether another connection may see a commit before it is written: H2's MVStore marks a
	 * transaction committed in memory, then writes its chunk; PostgreSQL shows a commit once its WAL
	 * is flushed.
	 */
	default boolean visibleBeforeDurable() {
		return false;
	}

	@Override
	void close();

	static CrashDatabase named(String name) {
		return switch (name.toLowerCase(Locale.ROOT)) {
			case "h2" -> new H2File();
			case "postgresql", "postgres" -> PostgresSchema.create();
			default -> throw new IllegalArgumentException("unknown database " + name + " (h2 or postgresql)");
		};
	}

	/**
	 * The service's embedded default exactly as configured (its URL and settings, nothing
	 * overridden): an H2 file database at {@code ./data/xso}, here under the service's working
	 * directory, the run's data directory.
	 */
	record H2File() implements CrashDatabase {

		@Override
		public String title() {
			return "H2 file";
		}

		@Override
		public boolean visibleBeforeDurable() {
			return true;
		}

		@Override
		public List<String> serviceArguments() {
			return List.of();
		}

		@Override
		public void close() {
			// the file goes with the run's data directory
		}

	}

	/** A schema of its own on the local PostgreSQL server. */
	record PostgresSchema(String url, String user, String schema) implements CrashDatabase {

		static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";

		static PostgresSchema create() {
			String schema = "xso_crash_" + System.currentTimeMillis() + "_"
					+ Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
			try (Connection c = DriverManager.getConnection(SERVER, "postgres", "");
					Statement st = c.createStatement()) {
				st.execute("create schema " + schema);
			}
			catch (SQLException e) {
				throw new IllegalStateException("no PostgreSQL at " + SERVER + " (user postgres) to create schema "
						+ schema + " in: " + e.getMessage()
						+ "; start it, or run the H2 column alone with -Dcrash.matrix.databases=h2", e);
			}
			return new PostgresSchema(SERVER, "postgres", schema);
		}

		@Override
		public String title() {
			return "PostgreSQL";
		}

		@Override
		public List<String> serviceArguments() {
			return List.of("--spring.datasource.url=" + url + "?currentSchema=" + schema,
					"--spring.datasource.username=" + user, "--spring.datasource.password=",
					"--spring.flyway.default-schema=" + schema, "--spring.flyway.schemas=" + schema);
		}

		@Override
		public void close() {
			try (Connection c = DriverManager.getConnection(url, user, "");
					Statement st = c.createStatement()) {
				st.execute("drop schema if exists " + schema + " cascade");
			}
			catch (SQLException e) {
				System.err.println("[crash matrix] could not drop schema " + schema + ": " + e.getMessage());
			}
		}

	}

}

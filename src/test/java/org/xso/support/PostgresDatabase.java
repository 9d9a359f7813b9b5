package org.xso.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.springframework.boot.SpringApplication;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A real PostgreSQL for the persistence and flow tests: a container of the PostgreSQL image built
 * on this machine by {@code docker/build-images.sh} ({@code xso/postgres:15}, Debian's PostgreSQL,
 * a compatible substitute for the public {@code postgres} image; another with
 * {@code -Dxso.test.postgres-image}) where a Docker engine runs and holds that image, otherwise the
 * local server at 127.0.0.1:5432 (database {@code test}, user {@code postgres}, trust
 * authentication). The image is never pulled. Which server the run uses is printed once. Every
 * test class gets a fresh schema, so classes stay isolated and concurrent runs do not meet; schemas
 * of runs older than a day are dropped.
 *
 * <p>
 * Without either server the tests are skipped, except on CI ({@code CI} set), where that fails.
 */
public final class PostgresDatabase {

	/** Where the server is. */
	public record Server(String url, String user, String password) {
	}

	/** The PostgreSQL image the tests run in a container, when the engine holds it. */
	public static final String IMAGE = System.getProperty("xso.test.postgres-image", "xso/postgres:15");

	private static Server server;

	/** Connections per test context: enough for the concurrency tests, few enough for many contexts. */
	private static final String MAX_POOL = "5";

	private PostgresDatabase() {
	}

	public static synchronized Server server() {
		if (server == null) {
			Optional<String> noDocker = Docker.unavailable();
			if (noDocker.isPresent()) {
				server = local("PostgreSQL tests: " + noDocker.get() + ", using the local server");
			}
			else if (!Docker.hasImage(IMAGE)) {
				server = local("PostgreSQL tests: image " + IMAGE
						+ " not built (docker/build-images.sh builds it), using the local server");
			}
			else {
				server = container();
			}
		}
		return server;
	}

	/** Points the context at a fresh schema of the server. */
	public static void register(DynamicPropertyRegistry registry, String name) {
		Server s = server();
		String schema = freshSchema(s, name);
		registry.add("spring.datasource.url", () -> url(s, schema));
		registry.add("spring.datasource.username", s::user);
		registry.add("spring.datasource.password", s::password);
		registry.add("spring.flyway.default-schema", () -> schema);
		registry.add("spring.flyway.schemas", () -> schema);
		// every test class has a context of its own, cached for the run: small pools keep the
		// suite well under the server's max_connections (100 by default)
		registry.add("spring.datasource.hikari.maximum-pool-size", () -> MAX_POOL);
		registry.add("spring.datasource.hikari.minimum-idle", () -> "1");
	}

	/** The same, as plain properties (for contexts started by hand). */
	public static Map<String, String> properties(String name) {
		Server s = server();
		String schema = freshSchema(s, name);
		return Map.of("spring.datasource.url", url(s, schema), "spring.datasource.username", s.user(),
				"spring.datasource.password", s.password(), "spring.flyway.default-schema", schema,
				"spring.flyway.schemas", schema, "spring.datasource.hikari.maximum-pool-size", MAX_POOL,
				"spring.datasource.hikari.minimum-idle", "1");
	}

	private static String url(Server s, String schema) {
		return s.url() + (s.url().contains("?") ? "&" : "?") + "currentSchema=" + schema;
	}

	/**
	 * One container for the whole run, stopped when the test JVM ends (the tests run without
	 * Testcontainers' reaper, whose image cannot be pulled where no registry answers). The cached test
	 * contexts are closed before, when the test session ends ({@link ContextsClosedAtSessionEnd}):
	 * Testcontainers' own JVM hook removes the container at exit, whatever is still using it. The stop
	 * here is a Spring Boot shutdown handler, which runs after any context still open has closed.
	 */
	@SuppressWarnings("resource")
	private static Server container() {
		PostgreSQLContainer pg = new PostgreSQLContainer(DockerImageName.parse(IMAGE).asCompatibleSubstituteFor("postgres"))
			.withImagePullPolicy(image -> false)
			// initdb and two starts: a busy machine is waited for
			.withStartupTimeout(Duration.ofMinutes(3));
		pg.start();
		SpringApplication.getShutdownHandlers().add(pg::stop);
		System.out.println("PostgreSQL tests: a container of " + IMAGE + " at " + pg.getJdbcUrl());
		return new Server(pg.getJdbcUrl(), pg.getUsername(), pg.getPassword());
	}

	private static Server local(String because) {
		System.out.println(because + " at 127.0.0.1:5432");
		Server local = new Server("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
		try (Connection c = DriverManager.getConnection(local.url(), local.user(), local.password())) {
			return local;
		}
		catch (SQLException e) {
			String why = "no Docker engine and no PostgreSQL at 127.0.0.1:5432/test (" + e.getMessage() + ")";
			if (System.getenv("CI") != null) {
				throw new IllegalStateException(why, e);
			}
			Assumptions.abort(why);
			throw new IllegalStateException(why);
		}
	}

	/** A new, empty schema of the server (old test schemas are dropped on the way). */
	public static String freshSchema(Server s, String name) {
		long now = System.currentTimeMillis();
		String schema = ("xso_t_" + now + "_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20)) + "_"
				+ name).toLowerCase(Locale.ROOT);
		try (Connection c = DriverManager.getConnection(s.url(), s.user(), s.password());
				Statement st = c.createStatement()) {
			dropOldSchemas(st, now);
			st.execute("create schema " + schema);
			return schema;
		}
		catch (SQLException e) {
			throw new IllegalStateException("cannot create schema " + schema, e);
		}
	}

	private static void dropOldSchemas(Statement st, long now) throws SQLException {
		List<String> old = new ArrayList<>();
		try (ResultSet rs = st.executeQuery(
				"select schema_name from information_schema.schemata where schema_name like 'xso_t_%'")) {
			while (rs.next()) {
				String schema = rs.getString(1);
				String[] parts = schema.split("_");
				try {
					if (now - Long.parseLong(parts[2]) > TimeUnit.DAYS.toMillis(1)) {
						old.add(schema);
					}
				}
				catch (RuntimeException ignored) {
					// not one of ours
				}
			}
		}
		for (String schema : old) {
			st.execute("drop schema if exists " + schema + " cascade");
		}
	}

}

package org.xso.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.xso.XsoApplication;

/**
 * The service the HTTP drivers talk to: the one at {@code url=...}, or one started here in this
 * JVM on a free port with the simulator, no demo guests, and {@code db=h2} (in memory) or
 * {@code db=postgres} (a fresh schema of {@code pgUrl}, user {@code pgUser}, dropped afterwards).
 * {@code workers} and {@code queue} set {@code xso.operations.workers} and {@code queue-capacity}.
 * Started here, its database work can be counted ({@link DatabaseWork}).
 */
final class ServiceUnderTest implements AutoCloseable {

	final String baseUrl;

	/** The bearer token the drivers send: the started service's admin token, or the one given. */
	final String token;

	final String description;

	private final ConfigurableApplicationContext context;

	private final Path snapshots;

	private final Runnable cleanup;

	/** The PostgreSQL schema the service started here uses (null otherwise): for the database's figures. */
	final DatabaseFigures database;

	/** The database work of the service started here, if it was asked to be counted (null otherwise). */
	final @Nullable DatabaseWork databaseWork;

	private ServiceUnderTest(String baseUrl, String token, String description, ConfigurableApplicationContext context,
			Path snapshots, Runnable cleanup, DatabaseFigures database, @Nullable DatabaseWork databaseWork) {
		this.baseUrl = baseUrl;
		this.token = token;
		this.description = description;
		this.context = context;
		this.snapshots = snapshots;
		this.cleanup = cleanup;
		this.database = database;
		this.databaseWork = databaseWork;
	}

	/** The database of a service started here (empty for one at {@code url}, which is only talked to). */
	java.util.Optional<org.springframework.jdbc.core.simple.JdbcClient> jdbc() {
		return context == null ? java.util.Optional.empty()
				: java.util.Optional.of(context.getBean(org.springframework.jdbc.core.simple.JdbcClient.class));
	}

	static ServiceUnderTest start(Map<String, String> p, int guests) throws IOException, SQLException {
		return start(p, guests, false);
	}

	/**
	 * The service; with {@code countDatabaseWork}, one started here counts its database work (a
	 * service at {@code url} is only talked to).
	 */
	static ServiceUnderTest start(Map<String, String> p, int guests, boolean countDatabaseWork)
			throws IOException, SQLException {
		if (p.containsKey("url")) {
			String token = p.getOrDefault("token", System.getenv("XSO_TOKEN"));
			if (token == null) {
				throw new IllegalArgumentException("a service given by url needs a token (-Dtoken=... or XSO_TOKEN)");
			}
			return new ServiceUnderTest(p.get("url").replaceAll("/$", ""), token, "service at " + p.get("url"), null, null,
					() -> {
					}, null, null);
		}
		String db = p.getOrDefault("db", "h2");
		Path snapshots = Files.createTempDirectory("xso-bench-disks");
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--xso.demo.enabled=false",
				"--xso.sim.snapshot-dir=" + p.getOrDefault("xso.sim.snapshot-dir", snapshots.toString()), "--xso.security.bootstrap-admin-token=true",
				"--xso.security.admin-token-file=" + snapshots.resolve("admin-token"),
				"--logging.level.root=WARN",
				"--logging.level.org.xso=WARN", "--logging.level.org.hibernate=ERROR", "--spring.main.banner-mode=off",
				"--xso.operations.workers=" + p.getOrDefault("workers", "4"),
				"--xso.operations.queue-capacity=" + p.getOrDefault("queue", String.valueOf(Math.max(64, 2 * guests))),
				"--xso.operations.periodic-workers=" + Math.max(8, guests)));
		// how long ended operations are kept, and how often they are pruned (the service's defaults otherwise)
		if (p.containsKey("opsRetention")) {
			args.add("--xso.operations.pruning.retention=" + p.get("opsRetention"));
		}
		if (p.containsKey("pruneInterval")) {
			args.add("--xso.operations.pruning.interval=" + p.get("pruneInterval"));
		}
		// any other property of the service, as xso.some.property=value (e.g. to switch a feature off for an A/B run)
		p.forEach((k, v) -> {
			if (k.startsWith("xso.") && !k.equals("xso.sim.snapshot-dir")) {
				args.add("--" + k + "=" + v);
			}
		});
		DatabaseFigures database = null;
		Runnable cleanup = () -> {
		};
		String description;
		if ("postgres".equals(db)) {
			String url = p.getOrDefault("pgUrl", "jdbc:postgresql://127.0.0.1:5432/test");
			String user = p.getOrDefault("pgUser", "postgres");
			String password = p.getOrDefault("pgPassword", "");
			// pgSchema: the schema of a service started before (several instances, one database); its
			// first service drops it
			String schema = p.getOrDefault("pgSchema", "xso_bench_" + Long.toString(System.currentTimeMillis(), 36));
			args.addAll(List.of("--spring.datasource.url=" + url + (url.contains("?") ? "&" : "?") + "currentSchema="
					+ schema, "--spring.datasource.username=" + user, "--spring.datasource.password=" + password,
					"--spring.flyway.schemas=" + schema, "--spring.flyway.default-schema=" + schema));
			cleanup = p.containsKey("pgSchema") ? cleanup : () -> dropSchema(url, user, password, schema);
			database = new DatabaseFigures(url, user, password, schema);
			description = "PostgreSQL (" + serverVersion(url, user, password) + ")";
		}
		else {
			args.add("--spring.datasource.url=jdbc:h2:mem:bench" + System.nanoTime()
					+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1;QUERY_CACHE_SIZE=256");
			description = "H2 in memory";
		}
		SpringApplication application = new SpringApplication(XsoApplication.class);
		DatabaseWork work = countDatabaseWork ? new DatabaseWork() : null;
		if (work != null) {
			// the counting proxy wraps the service's DataSource from here, before any bean is created
			application.addInitializers((c) -> c.getBeanFactory().addBeanPostProcessor(work.wrapper()));
		}
		ConfigurableApplicationContext context = application.run(args.toArray(String[]::new));
		String port = context.getEnvironment().getProperty("local.server.port");
		String token = Files.readString(snapshots.resolve("admin-token")).strip();
		return new ServiceUnderTest("http://127.0.0.1:" + port, token, description, context, snapshots, cleanup,
				database, work);
	}

	private static String serverVersion(String url, String user, String password) throws SQLException {
		try (Connection c = connect(url, user, password)) {
			return c.getMetaData().getDatabaseProductVersion();
		}
	}

	private static void dropSchema(String url, String user, String password, String schema) {
		try (Connection c = connect(url, user, password); Statement s = c.createStatement()) {
			// a lock held elsewhere must not hold the run: give up on the schema instead
			s.execute("SET lock_timeout = '10s'");
			s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
		}
		catch (SQLException e) {
			System.err.println("could not drop schema " + schema + ": " + e.getMessage());
		}
	}

	/** A bookkeeping connection that cannot wait for ever: on connecting, and on every statement. */
	static Connection connect(String url, String user, String password) throws SQLException {
		Properties props = new Properties();
		props.setProperty("user", user);
		props.setProperty("password", password);
		props.setProperty("connectTimeout", "10");
		props.setProperty("socketTimeout", "30");
		return DriverManager.getConnection(url, props);
	}

	@Override
	public void close() throws IOException {
		if (this.context != null) {
			this.context.close();
		}
		this.cleanup.run();
		if (this.snapshots != null) {
			try (Stream<Path> files = Files.walk(this.snapshots)) {
				for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(f);
				}
			}
		}
	}

}

package org.xso.support;

import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * A database migrated by the service's own migrations up to an earlier version, given rows as an
 * earlier release wrote them, then migrated across a later version: for the tests of migrations that
 * move data. On H2 (in memory) and on PostgreSQL (a fresh schema of the test server).
 */
public final class MigrationFixture {

	private final DataSource ds;

	private final String vendor;

	private final @Nullable String schema;

	private MigrationFixture(DataSource ds, String vendor, @Nullable String schema) {
		this.ds = ds;
		this.vendor = vendor;
		this.schema = schema;
	}

	public static void onH2(String name, Consumer<MigrationFixture> test) {
		// one connection held throughout: the in-memory database lives as long as it
		SingleConnectionDataSource ds = new SingleConnectionDataSource("jdbc:h2:mem:" + name + "-" + UUID.randomUUID()
				+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "sa", "", true);
		try {
			test.accept(new MigrationFixture(ds, "h2", null));
		}
		finally {
			ds.destroy();
		}
	}

	public static void onPostgres(String name, Consumer<MigrationFixture> test) {
		PostgresDatabase.Server s = PostgresDatabase.server();
		String schema = PostgresDatabase.freshSchema(s, name);
		test.accept(new MigrationFixture(new DriverManagerDataSource(s.url(), s.user(), s.password()), "postgresql",
				schema));
	}

	/** Migrates to {@code version} ({@code latest} for all); the template to read and write with. */
	public JdbcTemplate migrateTo(String version) {
		FluentConfiguration config = Flyway.configure()
			.dataSource(ds)
			.locations("classpath:db/migration", "classpath:db/vendor/" + vendor)
			.target(version);
		if (schema != null) {
			config = config.schemas(schema).defaultSchema(schema);
		}
		config.load().migrate();
		return new JdbcTemplate(ds);
	}

	/** {@code name} as a statement names it: in this fixture's schema. */
	public String table(String name) {
		return schema == null ? name : schema + "." + name;
	}

	/** The schema the tables are in, as {@code information_schema} spells it. */
	public String schemaName() {
		return schema == null ? "public" : schema.toLowerCase(Locale.ROOT);
	}

}

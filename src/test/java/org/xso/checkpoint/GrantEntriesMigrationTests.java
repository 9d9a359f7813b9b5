package org.xso.checkpoint;

import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.xso.support.PostgresDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V4 packs the grant rows of stored checkpoints into their device's {@code grant_entries}, in
 * order, on both databases: a database of an earlier release keeps every checkpoint's grants.
 */
class GrantEntriesMigrationTests {

	@Test
	void packsTheGrantRowsOfExistingCheckpointsOnH2() {
		// one connection held throughout: the in-memory database lives as long as it
		SingleConnectionDataSource ds = new SingleConnectionDataSource("jdbc:h2:mem:v4-" + UUID.randomUUID()
				+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "sa", "", true);
		try {
			migrateAcrossV4(ds, "classpath:db/migration", "classpath:db/vendor/h2", null);
		}
		finally {
			ds.destroy();
		}
	}

	@Test
	void packsTheGrantRowsOfExistingCheckpointsOnPostgres() {
		PostgresDatabase.Server s = PostgresDatabase.server();
		String schema = PostgresDatabase.freshSchema(s, "v4");
		DataSource ds = new DriverManagerDataSource(s.url(), s.user(), s.password());
		migrateAcrossV4(ds, "classpath:db/migration", "classpath:db/vendor/postgresql", schema);
	}

	private static void migrateAcrossV4(DataSource ds, String common, String vendor, String schema) {
		var config = Flyway.configure().dataSource(ds).locations(common, vendor);
		if (schema != null) {
			config = config.schemas(schema).defaultSchema(schema);
		}
		config.target("3").load().migrate();
		JdbcTemplate jdbc = new JdbcTemplate(ds);
		String prefix = schema == null ? "" : schema + ".";
		UUID withGrants = UUID.randomUUID();
		UUID without = UUID.randomUUID();
		for (UUID id : new UUID[] { withGrants, without }) {
			jdbc.update("insert into " + prefix + "checkpoints (id, domid, kind, operation_id, created_at, format_version,"
					+ " adapter, source_domid, strategy, config_bytes, config_sha256, memory_sha256, memory_bytes, sha256,"
					+ " size_bytes, pinned, pin_reason) values (?, 1, ?, null, current_timestamp, 1, 'sim', 1,"
					+ " 'SHADOW_REPLAY', ?, 'c', 'm', 0, 's', 0, false, null)", id, "LIVE", new byte[] { 1 });
			jdbc.update("insert into " + prefix + "checkpoint_devices (checkpoint_id, device_type, devid, backend_domid,"
					+ " frontend_state, backend_state, evtchn_ports, features, backend_info, shadow_count, state_bytes,"
					+ " sha256) values (?, 'vbd', 51712, 0, 'Connected', 'Connected', '5', '{}', '{}', 0, ?, 'd')", id,
					new byte[] { 2 });
		}
		// saved out of order, with an unsigned ref above 2^31 and a frame above 2^32
		jdbc.update("insert into " + prefix + "checkpoint_grants values (?, 'vbd', 51712, 1, 4294967295, 1, 0, 8589934593)",
				withGrants);
		jdbc.update("insert into " + prefix + "checkpoint_grants values (?, 'vbd', 51712, 0, 8, 3, 0, 4096)", withGrants);
		config.target("latest").load().migrate();
		assertThat(jdbc.queryForObject("select grant_entries from " + prefix + "checkpoint_devices where checkpoint_id = ?",
				String.class, withGrants)).isEqualTo("8:3:0:4096,4294967295:1:0:8589934593");
		assertThat(jdbc.queryForObject("select grant_entries from " + prefix + "checkpoint_devices where checkpoint_id = ?",
				String.class, without)).isEmpty();
		assertThat(GrantEntries.decode("8:3:0:4096,4294967295:1:0:8589934593")).extracting(CheckpointViews.SavedGrant::ref)
			.containsExactly(8L, 4294967295L);
	}

}

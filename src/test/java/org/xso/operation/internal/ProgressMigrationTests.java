package org.xso.operation.internal;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.xso.operation.Phase;
import org.xso.operation.PhaseState;
import org.xso.support.PostgresDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V8 moves every stored operation's phases and device outcomes from their tables into its own row,
 * in order, on both databases, in the format the service reads back: a database of an earlier
 * release keeps every operation's progress.
 */
class ProgressMigrationTests {

	private static final Instant STARTED = Instant.parse("2026-12-01T10:00:00.123456Z");

	private static final Instant FINISHED = Instant.parse("2026-12-01T10:00:01.5Z");

	@Test
	void movesEveryOperationsProgressIntoItsRowOnH2() {
		// one connection held throughout: the in-memory database lives as long as it
		SingleConnectionDataSource ds = new SingleConnectionDataSource("jdbc:h2:mem:v8-" + UUID.randomUUID()
				+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "sa", "", true);
		try {
			migrateAcrossV8(ds, "classpath:db/vendor/h2", null);
		}
		finally {
			ds.destroy();
		}
	}

	@Test
	void movesEveryOperationsProgressIntoItsRowOnPostgres() {
		PostgresDatabase.Server s = PostgresDatabase.server();
		String schema = PostgresDatabase.freshSchema(s, "v8");
		DataSource ds = new DriverManagerDataSource(s.url(), s.user(), s.password());
		migrateAcrossV8(ds, "classpath:db/vendor/postgresql", schema);
	}

	private static void migrateAcrossV8(DataSource ds, String vendor, String schema) {
		var config = Flyway.configure().dataSource(ds).locations("classpath:db/migration", vendor);
		if (schema != null) {
			config = config.schemas(schema).defaultSchema(schema);
		}
		config.target("7").load().migrate();
		JdbcTemplate jdbc = new JdbcTemplate(ds);
		String p = schema == null ? "" : schema + ".";
		UUID suspend = UUID.randomUUID();
		UUID pending = UUID.randomUUID();
		for (UUID id : new UUID[] { suspend, pending }) {
			jdbc.update("insert into " + p + "operations (id, kind, domid, subject_domid, requested_by, state,"
					+ " deadline_ms, deadline_at, epochs_completed, paused_ms_total, paused_ms_max, cancel_requested,"
					+ " attempts, created_at, version) values (?, 'SUSPEND', 1, 1, 'alice', ?, 30000, current_timestamp,"
					+ " 0, 0, 0, false, 0, current_timestamp, 0)", id, id == suspend ? "ROLLED_BACK" : "PENDING");
		}
		// written out of order
		jdbc.update("insert into " + p + "operation_phases values (?, 1, 'SAVE', 'FAILED', 40, ?, ?)", suspend,
				java.sql.Timestamp.from(STARTED), java.sql.Timestamp.from(FINISHED));
		jdbc.update("insert into " + p + "operation_phases values (?, 0, 'QUIESCE', 'COMPENSATED', 100, ?, ?)", suspend,
				java.sql.Timestamp.from(STARTED), java.sql.Timestamp.from(STARTED));
		jdbc.update("insert into " + p + "operation_phases values (?, 2, 'PERSIST', 'SKIPPED', 0, null, null)", suspend);
		jdbc.update("insert into " + p + "operation_devices values (?, 1, 'vif', 0, 0, 0, 0, 0, 0, 3, false, '', '',"
				+ " '')", suspend);
		jdbc.update("insert into " + p + "operation_devices values (?, 0, 'vbd', 51712, 2, 5, 1, 0, 0, 0, true, '8,9',"
				+ " '', 'persistent')", suspend);

		config.target("latest").load().migrate();

		ProgressColumns.Phases phases = new ProgressColumns.Phases();
		ProgressColumns.Devices devices = new ProgressColumns.Devices();
		assertThat(phases.convertToEntityAttribute(
				jdbc.queryForObject("select phases from " + p + "operations where id = ?", String.class, suspend)))
			.containsExactly(new PhaseRecord(Phase.QUIESCE, PhaseState.COMPENSATED, 100, STARTED, STARTED),
					new PhaseRecord(Phase.SAVE, PhaseState.FAILED, 40, STARTED, FINISHED),
					new PhaseRecord(Phase.PERSIST, PhaseState.SKIPPED, 0, null, null));
		assertThat(devices.convertToEntityAttribute(
				jdbc.queryForObject("select devices from " + p + "operations where id = ?", String.class, suspend)))
			.containsExactly(new DeviceOutcome("vbd", 51712, 2, 5, 1, 0, 0, 0, true, "8,9", "", "persistent"),
					new DeviceOutcome("vif", 0, 0, 0, 0, 0, 0, 3, false, "", "", ""));
		assertThat(jdbc.queryForObject("select phases from " + p + "operations where id = ?", String.class, pending))
			.isEqualTo("[]");
		assertThat(devices.convertToEntityAttribute("[]")).isEqualTo(List.of());
		assertThat(jdbc.queryForObject("select count(*) from information_schema.tables where lower(table_name) in"
				+ " ('operation_phases', 'operation_devices') and lower(table_schema) = ?", Integer.class,
				schema == null ? "public" : schema.toLowerCase(java.util.Locale.ROOT)))
			.isZero();
	}

}

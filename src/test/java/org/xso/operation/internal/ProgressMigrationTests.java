package org.xso.operation.internal;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.xso.operation.Phase;
import org.xso.operation.PhaseState;
import org.xso.support.MigrationFixture;

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
		MigrationFixture.onH2("v8", ProgressMigrationTests::migrateAcrossV8);
	}

	@Test
	void movesEveryOperationsProgressIntoItsRowOnPostgres() {
		MigrationFixture.onPostgres("v8", ProgressMigrationTests::migrateAcrossV8);
	}

	private static void migrateAcrossV8(MigrationFixture db) {
		JdbcTemplate jdbc = db.migrateTo("7");
		String operations = db.table("operations");
		String phaseRows = db.table("operation_phases");
		String deviceRows = db.table("operation_devices");
		UUID suspend = UUID.randomUUID();
		UUID pending = UUID.randomUUID();
		for (UUID id : new UUID[] { suspend, pending }) {
			jdbc.update("insert into " + operations + " (id, kind, domid, subject_domid, requested_by, state,"
					+ " deadline_ms, deadline_at, epochs_completed, paused_ms_total, paused_ms_max, cancel_requested,"
					+ " attempts, created_at, version) values (?, 'SUSPEND', 1, 1, 'alice', ?, 30000, current_timestamp,"
					+ " 0, 0, 0, false, 0, current_timestamp, 0)", id, id == suspend ? "ROLLED_BACK" : "PENDING");
		}
		// written out of order
		jdbc.update("insert into " + phaseRows + " values (?, 1, 'SAVE', 'FAILED', 40, ?, ?)", suspend,
				java.sql.Timestamp.from(STARTED), java.sql.Timestamp.from(FINISHED));
		jdbc.update("insert into " + phaseRows + " values (?, 0, 'QUIESCE', 'COMPENSATED', 100, ?, ?)", suspend,
				java.sql.Timestamp.from(STARTED), java.sql.Timestamp.from(STARTED));
		jdbc.update("insert into " + phaseRows + " values (?, 2, 'PERSIST', 'SKIPPED', 0, null, null)", suspend);
		jdbc.update("insert into " + deviceRows + " values (?, 1, 'vif', 0, 0, 0, 0, 0, 0, 3, false, '', '',"
				+ " '')", suspend);
		jdbc.update("insert into " + deviceRows + " values (?, 0, 'vbd', 51712, 2, 5, 1, 0, 0, 0, true, '8,9',"
				+ " '', 'persistent')", suspend);

		db.migrateTo("latest");

		ProgressColumns.Phases phases = new ProgressColumns.Phases();
		ProgressColumns.Devices devices = new ProgressColumns.Devices();
		assertThat(phases.convertToEntityAttribute(
				jdbc.queryForObject("select phases from " + operations + " where id = ?", String.class, suspend)))
			.containsExactly(new PhaseRecord(Phase.QUIESCE, PhaseState.COMPENSATED, 100, STARTED, STARTED),
					new PhaseRecord(Phase.SAVE, PhaseState.FAILED, 40, STARTED, FINISHED),
					new PhaseRecord(Phase.PERSIST, PhaseState.SKIPPED, 0, null, null));
		assertThat(devices.convertToEntityAttribute(
				jdbc.queryForObject("select devices from " + operations + " where id = ?", String.class, suspend)))
			.containsExactly(new DeviceOutcome("vbd", 51712, 2, 5, 1, 0, 0, 0, true, "8,9", "", "persistent"),
					new DeviceOutcome("vif", 0, 0, 0, 0, 0, 0, 3, false, "", "", ""));
		assertThat(jdbc.queryForObject("select phases from " + operations + " where id = ?", String.class, pending))
			.isEqualTo("[]");
		assertThat(devices.convertToEntityAttribute("[]")).isEqualTo(List.of());
		assertThat(jdbc.queryForObject("select count(*) from information_schema.tables where lower(table_name) in"
				+ " ('operation_phases', 'operation_devices') and lower(table_schema) = ?", Integer.class,
				db.schemaName()))
			.isZero();
	}

}

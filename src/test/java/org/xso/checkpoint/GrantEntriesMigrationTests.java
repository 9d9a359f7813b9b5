package org.xso.checkpoint;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.xso.support.MigrationFixture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V4 packs the grant rows of stored checkpoints into their device's {@code grant_entries}, in
 * order, on both databases: a database of an earlier release keeps every checkpoint's grants.
 */
class GrantEntriesMigrationTests {

	@Test
	void packsTheGrantRowsOfExistingCheckpointsOnH2() {
		MigrationFixture.onH2("v4", GrantEntriesMigrationTests::migrateAcrossV4);
	}

	@Test
	void packsTheGrantRowsOfExistingCheckpointsOnPostgres() {
		MigrationFixture.onPostgres("v4", GrantEntriesMigrationTests::migrateAcrossV4);
	}

	private static void migrateAcrossV4(MigrationFixture db) {
		JdbcTemplate jdbc = db.migrateTo("3");
		String checkpoints = db.table("checkpoints");
		String devices = db.table("checkpoint_devices");
		String grants = db.table("checkpoint_grants");
		UUID withGrants = UUID.randomUUID();
		UUID without = UUID.randomUUID();
		for (UUID id : new UUID[] { withGrants, without }) {
			jdbc.update("insert into " + checkpoints + " (id, domid, kind, operation_id, created_at, format_version,"
					+ " adapter, source_domid, strategy, config_bytes, config_sha256, memory_sha256, memory_bytes, sha256,"
					+ " size_bytes, pinned, pin_reason) values (?, 1, ?, null, current_timestamp, 1, 'sim', 1,"
					+ " 'SHADOW_REPLAY', ?, 'c', 'm', 0, 's', 0, false, null)", id, "LIVE", new byte[] { 1 });
			jdbc.update("insert into " + devices + " (checkpoint_id, device_type, devid, backend_domid,"
					+ " frontend_state, backend_state, evtchn_ports, features, backend_info, shadow_count, state_bytes,"
					+ " sha256) values (?, 'vbd', 51712, 0, 'Connected', 'Connected', '5', '{}', '{}', 0, ?, 'd')", id,
					new byte[] { 2 });
		}
		// saved out of order, with an unsigned ref above 2^31 and a frame above 2^32
		jdbc.update("insert into " + grants + " values (?, 'vbd', 51712, 1, 4294967295, 1, 0, 8589934593)",
				withGrants);
		jdbc.update("insert into " + grants + " values (?, 'vbd', 51712, 0, 8, 3, 0, 4096)", withGrants);
		db.migrateTo("latest");
		assertThat(jdbc.queryForObject("select grant_entries from " + devices + " where checkpoint_id = ?",
				String.class, withGrants)).isEqualTo("8:3:0:4096,4294967295:1:0:8589934593");
		assertThat(jdbc.queryForObject("select grant_entries from " + devices + " where checkpoint_id = ?",
				String.class, without)).isEmpty();
		assertThat(GrantEntries.decode("8:3:0:4096,4294967295:1:0:8589934593")).extracting(CheckpointViews.SavedGrant::ref)
			.containsExactly(8L, 4294967295L);
	}

}

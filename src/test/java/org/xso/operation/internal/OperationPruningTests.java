package org.xso.operation.internal;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.xso.support.FakeHypervisor.Call;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/**
 * Ended operations older than the retention are deleted with their phases, device outcomes and
 * epochs; pending, running and recent ones stay, and so does every checkpoint (a domain's suspend
 * image above all).
 */
class OperationPruningTests extends IntegrationTest {

	@Autowired
	OperationPruner pruner;

	@Autowired
	OperationPruningProperties properties;

	@Test
	void deletesEndedOperationsOlderThanTheRetentionWithWhatHangsOffThem() throws Exception {
		createDomain(1);
		createDomain(2);
		createDomain(3);
		JsonNode suspended = suspend(1, Guests.SHADOW_REPLAY);
		String suspendImage = suspended.get("checkpointId").asString();
		JsonNode oldCheckpoint = checkpoint(2);
		JsonNode periodic = awaitOperation(id(call(postJson("/api/v1/domains/3/periodic-checkpoints",
				"{\"strategy\":\"SHADOW_REPLAY\",\"intervalMs\":50,\"count\":2}"), 202)), "SUCCEEDED", "FAILED");
		assertThat(periodic.get("state").asString()).isEqualTo("SUCCEEDED");
		JsonNode recent = checkpoint(2);
		hypervisor.hold(Call.QUIESCE);
		JsonNode running = call(postJson("/api/v1/domains/2/suspend", Guests.SHADOW_REPLAY), 202);
		assertThat(hypervisor.awaitArrival(Call.QUIESCE, Duration.ofSeconds(60))).isTrue();
		// three ended operations finished before the retention; the running one started as long ago
		Timestamp old = Timestamp.from(clock.instant().minus(properties.retention()).minus(Duration.ofHours(1)));
		for (JsonNode op : new JsonNode[] { suspended, oldCheckpoint, periodic }) {
			assertThat(jdbc.update("update operations set created_at = ?, started_at = ?, finished_at = ? where id = ?",
					old, old, old, uuid(op, "id"))).isEqualTo(1);
		}
		jdbc.update("update operations set created_at = ?, started_at = ? where id = ?", old, old, uuid(running, "id"));
		assertThat(rowsOf("operation_epochs", periodic)).isEqualTo(2);

		assertThat(pruner.prune()).isEqualTo(3);

		for (JsonNode op : new JsonNode[] { suspended, oldCheckpoint, periodic }) {
			problem(get("/api/v1/operations/" + id(op)), 404, "OPERATION_NOT_FOUND");
			assertThat(rowsOf("operation_epochs", op)).isZero();
		}
		assertThat(call(get("/api/v1/operations/" + id(recent)), 200).get("state").asString()).isEqualTo("SUCCEEDED");
		assertThat(call(get("/api/v1/operations/" + id(running)), 200).get("state").asString()).isEqualTo("RUNNING");
		// checkpoints are the domains': the suspend image the domain names is intact and resumable
		assertThat(call(get("/api/v1/domains/1"), 200).get("suspendCheckpointId").asString()).isEqualTo(suspendImage);
		assertThat(call(get("/api/v1/checkpoints/" + suspendImage + "/integrity"), 200).get("ok").asBoolean()).isTrue();
		assertThat(jdbc.queryForObject("select count(*) from checkpoint_images where checkpoint_id = ?", Integer.class,
				UUID.fromString(suspendImage))).isEqualTo(1);
		call(get("/api/v1/checkpoints/" + oldCheckpoint.get("checkpointId").asString()), 200);
		assertThat(resume(1).get("state").asString()).isEqualTo("SUCCEEDED");

		hypervisor.release(Call.QUIESCE);
		assertThat(awaitOperation(id(running), "SUCCEEDED", "ROLLED_BACK").get("state").asString()).isEqualTo("SUCCEEDED");
		assertThat(pruner.prune()).as("nothing else is old enough").isZero();
	}

	@Test
	void keepsAnEndedOperationStillNamedByALease() throws Exception {
		createDomain(1);
		JsonNode op = checkpoint(1);
		Timestamp old = Timestamp.from(clock.instant().minus(properties.retention()).minus(Duration.ofHours(1)));
		jdbc.update("update operations set finished_at = ? where id = ?", old, uuid(op, "id"));
		// a lease left behind by the operation (recovery releases such leases; until then it is kept)
		jdbc.update("insert into domain_leases (domid, owner, operation_id, purpose, acquired_at, expires_at)"
				+ " values (1, 'elsewhere', ?, 'checkpoint', ?, ?)", uuid(op, "id"), old, old);
		try {
			assertThat(pruner.prune()).isZero();
			call(get("/api/v1/operations/" + id(op)), 200);
		}
		finally {
			jdbc.update("delete from domain_leases where domid = 1");
		}
		assertThat(pruner.prune()).isEqualTo(1);
	}

	@Test
	void prunesInBatchesUntilNoneIsLeft() throws Exception {
		createDomain(1);
		int n = properties.batchSize() + 3;
		for (int i = 0; i < 3; i++) {
			checkpoint(1);
		}
		// copies of one ended operation, ended long ago: more than one batch
		String id = jdbc.queryForObject("select cast(id as varchar(36)) from operations fetch first 1 rows only",
				String.class);
		Timestamp old = Timestamp.from(clock.instant().minus(properties.retention()).minus(Duration.ofHours(1)));
		for (int i = 0; i < n - 3; i++) {
			jdbc.update("insert into operations (id, kind, domid, subject_domid, requested_by, state, deadline_ms,"
					+ " deadline_at, epochs_completed, paused_ms_total, paused_ms_max, cancel_requested, attempts,"
					+ " created_at, finished_at, version, phases, devices) select ?, kind, domid, subject_domid,"
					+ " requested_by, state, deadline_ms, deadline_at, epochs_completed, paused_ms_total, paused_ms_max,"
					+ " cancel_requested, attempts, created_at, finished_at, version, phases, devices from operations"
					+ " where id = ?", UUID.randomUUID(),
					UUID.fromString(id));
		}
		jdbc.update("update operations set finished_at = ?", old);
		assertThat(pruner.prune()).isEqualTo(n);
		assertThat(jdbc.queryForObject("select count(*) from operations", Integer.class)).isZero();
	}

	private JsonNode checkpoint(int domid) throws Exception {
		JsonNode accepted = call(postJson("/api/v1/domains/" + domid + "/checkpoints", Guests.SHADOW_REPLAY), 202);
		JsonNode op = awaitOperation(id(accepted), "SUCCEEDED", "FAILED", "ROLLED_BACK");
		assertThat(op.get("state").asString()).isEqualTo("SUCCEEDED");
		return op;
	}

	private int rowsOf(String table, JsonNode op) {
		return jdbc.queryForObject("select count(*) from " + table + " where operation_id = ?", Integer.class,
				uuid(op, "id"));
	}

}

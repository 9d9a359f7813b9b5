package org.xso.operation;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.xso.hypervisor.HypervisorException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.xso.support.FakeHypervisor.Call;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

// one epoch writer, so that the group commit test's three guests share it (writers split the
// schedules with epochs waiting between them: with four, each guest's epoch would be a batch of its own)
@TestPropertySource(properties = "xso.operations.epoch-writers=1")
class PeriodicCheckpointTests extends IntegrationTest {

	@Autowired
	MeterRegistry meters;

	@BeforeEach
	void guest() throws Exception {
		createDomain(1);
	}

	@Test
	void takesTheRequestedNumberOfEpochsAndReportsEachOnesCost() throws Exception {
		JsonNode accepted = call(postJson("/api/v1/domains/1/periodic-checkpoints",
				"{\"strategy\":\"SHADOW_REPLAY\",\"intervalMs\":10,\"count\":3}"), 202);
		JsonNode op = awaitOperation(id(accepted), "SUCCEEDED", "FAILED", "CANCELLED");
		assertThat(op.get("state").asString()).isEqualTo("SUCCEEDED");
		JsonNode periodic = op.get("periodic");
		assertThat(periodic.get("epochsCompleted").asInt()).isEqualTo(3);
		assertThat(periodic.get("maxEpochs").asInt()).isEqualTo(3);
		assertThat(periodic.get("recentEpochs").findValuesAsString("epoch")).containsExactly("3", "2", "1");
		JsonNode epoch = periodic.get("recentEpochs").get(0);
		// the guest is paused to be captured; its checkpoint is persisted after the thaw
		assertThat(epoch.get("pausedMs").asLong()).isEqualTo(epoch.get("quiesceMs").asLong()
				+ epoch.get("saveMs").asLong() + epoch.get("thawMs").asLong());
		assertThat(epoch.has("persistMs")).isTrue();
		assertThat(epoch.get("sizeBytes").asLong()).isPositive();
		assertThat(call(get("/api/v1/domains/1/checkpoints"), 200).get("totalItems").asLong()).isEqualTo(3);
		assertThat(call(get("/api/v1/domains/1"), 200).get("powerState").asString()).isEqualTo("RUNNING");
	}

	/**
	 * The view of a running schedule holds its newest epochs in memory (its rows are not read at
	 * every epoch): it shows what is recorded, and once the schedule stands still exactly that.
	 */
	@Test
	void aRunningScheduleShowsTheNewestEpochsItsRowsRecord() throws Exception {
		String id = id(call(postJson("/api/v1/domains/1/periodic-checkpoints",
				"{\"strategy\":\"SHADOW_REPLAY\",\"intervalMs\":10}"), 202));
		await().atMost(Duration.ofSeconds(60))
			.until(() -> call(get("/api/v1/operations/" + id), 200).get("periodic").get("epochsCompleted").asInt() >= 25);
		// the schedule stops at its next capture; what it handed to the writer before is written
		hypervisor.hold(Call.SAVE);
		assertThat(hypervisor.awaitArrival(Call.SAVE, Duration.ofSeconds(30))).isTrue();
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
			JsonNode periodic = call(get("/api/v1/operations/" + id), 200).get("periodic");
			List<String> shown = new java.util.ArrayList<>();
			periodic.get("recentEpochs")
				.forEach(e -> shown.add(e.get("epoch").asInt() + " " + e.get("checkpointId").asString()));
			List<String> recorded = jdbc.query("SELECT epoch, checkpoint_id FROM operation_epochs WHERE operation_id = ?"
					+ " ORDER BY epoch DESC LIMIT 20", (rs, n) -> rs.getInt(1) + " " + rs.getObject(2),
					java.util.UUID.fromString(id));
			Integer rows = jdbc.queryForObject("SELECT COUNT(*) FROM operation_epochs WHERE operation_id = ?",
					Integer.class, java.util.UUID.fromString(id));
			assertThat(shown).hasSize(20).isEqualTo(recorded);
			assertThat(periodic.get("epochsCompleted").asInt()).isEqualTo(rows)
				.isEqualTo(periodic.get("recentEpochs").get(0).get("epoch").asInt());
		});
		hypervisor.release(Call.SAVE);
		call(post("/api/v1/operations/" + id + "/cancel"), 202);
		assertThat(awaitOperation(id, "CANCELLED", "FAILED").get("state").asString()).isEqualTo("CANCELLED");
	}

	@Test
	void runsUntilCancelledAndHoldsTheDomainMeanwhile() throws Exception {
		JsonNode accepted = call(postJson("/api/v1/domains/1/periodic-checkpoints",
				"{\"strategy\":\"SUSPEND_RESUME\",\"intervalMs\":60}"), 202);
		await().atMost(Duration.ofSeconds(60))
			.until(() -> call(get("/api/v1/operations/" + id(accepted)), 200).get("periodic").get("epochsCompleted")
				.asInt() >= 2);
		problem(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY), 409, "DOMAIN_BUSY");
		JsonNode running = call(get("/api/v1/operations/" + id(accepted)), 200);
		assertThat(running.get("phase").asString()).isEqualTo("EPOCHS");
		assertThat(running.get("cancellable").asBoolean()).isTrue();
		call(post("/api/v1/operations/" + id(accepted) + "/cancel"), 202);
		JsonNode op = awaitOperation(id(accepted), "CANCELLED", "FAILED");
		assertThat(op.get("state").asString()).isEqualTo("CANCELLED");
		assertThat(call(get("/api/v1/domains/1"), 200).get("powerState").asString()).isEqualTo("RUNNING");
		assertThat(call(get("/api/v1/domains/1/checkpoints"), 200).get("totalItems").asLong()).isBetween(2L, 5L);
		assertThat(suspend(1, Guests.SHADOW_REPLAY).get("state").asString()).isEqualTo("SUCCEEDED");
	}

	@Test
	void anEpochLongerThanTheIntervalMakesTheNextStartLateInsteadOfQueueingOne() throws Exception {
		hypervisor.hold(Call.SAVE);
		JsonNode accepted = call(postJson("/api/v1/domains/1/periodic-checkpoints",
				"{\"strategy\":\"SHADOW_REPLAY\",\"intervalMs\":10,\"count\":2}"), 202);
		assertThat(hypervisor.awaitArrival(Call.SAVE, Duration.ofSeconds(30))).isTrue();
		Thread.sleep(50); // the first epoch lasts at least five intervals
		hypervisor.release(Call.SAVE);
		JsonNode op = awaitOperation(id(accepted), "SUCCEEDED", "FAILED", "CANCELLED");
		assertThat(op.get("state").asString()).as(op.toString()).isEqualTo("SUCCEEDED");
		JsonNode periodic = op.get("periodic");
		assertThat(periodic.get("epochsCompleted").asInt()).isEqualTo(2);
		assertThat(periodic.get("epochsLate").asInt()).isEqualTo(1);
		assertThat(call(get("/api/v1/domains/1/checkpoints"), 200).get("totalItems").asLong()).isEqualTo(2);
	}

	/**
	 * While the epochs of one guest cannot be written, its schedule and the others' capture two
	 * epochs each and then wait (their captures are held in memory until written: never without
	 * bound); once writing goes on, the epochs that waited are written several guests' to a
	 * transaction, and every schedule completes.
	 */
	@Test
	void epochsArePersistedAfterTheThawSeveralGuestsToATransactionAndASlowWriteSlowsTheSchedules()
			throws Exception {
		createDomain(2);
		createDomain(3);
		DistributionSummary batches = meters.get("xso.checkpoint.epoch.batch").summary();
		long batchesBefore = batches.count();
		double epochsBefore = batches.totalAmount();
		hypervisor.hold(Call.PERSIST);
		String first = id(call(postJson("/api/v1/domains/1/periodic-checkpoints",
				"{\"strategy\":\"SHADOW_REPLAY\",\"intervalMs\":10,\"count\":6}"), 202));
		assertThat(hypervisor.awaitArrival(Call.PERSIST, Duration.ofSeconds(30))).isTrue();
		String second = id(call(postJson("/api/v1/domains/2/periodic-checkpoints",
				"{\"strategy\":\"SHADOW_REPLAY\",\"intervalMs\":10,\"count\":6}"), 202));
		String third = id(call(postJson("/api/v1/domains/3/periodic-checkpoints",
				"{\"strategy\":\"SUSPEND_RESUME\",\"intervalMs\":10,\"count\":6}"), 202));
		// each schedule captures two epochs, then waits for the first to be written
		await().atMost(Duration.ofSeconds(60)).until(() -> hypervisor.calls(Call.SAVE) == 6);
		Thread.sleep(200); // twenty intervals: a schedule that did not wait would capture more meanwhile
		assertThat(hypervisor.calls(Call.SAVE)).isEqualTo(6);
		for (int domid = 1; domid <= 3; domid++) {
			assertThat(call(get("/api/v1/domains/" + domid), 200).get("powerState").asString()).isEqualTo("RUNNING");
		}

		hypervisor.release(Call.PERSIST);
		for (String id : new String[] { first, second, third }) {
			JsonNode op = awaitOperation(id, "SUCCEEDED", "FAILED", "CANCELLED");
			assertThat(op.get("state").asString()).as(op.toString()).isEqualTo("SUCCEEDED");
			assertThat(op.get("periodic").get("epochsCompleted").asInt()).isEqualTo(6);
		}
		assertThat(batches.totalAmount() - epochsBefore).isEqualTo(18);
		// the three epochs that waited for the first write went in one transaction, at least
		assertThat(batches.count() - batchesBefore).isLessThanOrEqualTo(16);
		assertThat(batches.max()).isGreaterThanOrEqualTo(3);
	}

	/** A capture that cannot be written ends the schedule FAILED, nothing of that epoch stored, the guest running. */
	@Test
	void anEpochThatCannotBeWrittenEndsTheScheduleWithTheGuestRunning() throws Exception {
		hypervisor.failNext(Call.PERSIST, HypervisorException.Reason.INTERNAL);
		JsonNode accepted = call(postJson("/api/v1/domains/1/periodic-checkpoints",
				"{\"strategy\":\"SHADOW_REPLAY\",\"intervalMs\":10,\"count\":5}"), 202);
		JsonNode op = awaitOperation(id(accepted), "SUCCEEDED", "FAILED", "CANCELLED");
		assertThat(op.get("state").asString()).as(op.toString()).isEqualTo("FAILED");
		// ended once, by the epoch that failed (the one built on it, if captured, failed with it)
		assertThat(op.get("error").get("code").asString()).isEqualTo("HYPERVISOR_ERROR");
		assertThat(op.get("periodic").get("epochsCompleted").asInt()).isZero();
		assertThat(call(get("/api/v1/domains/1/checkpoints"), 200).get("totalItems").asLong()).isZero();
		assertThat(call(get("/api/v1/domains/1"), 200).get("powerState").asString()).isEqualTo("RUNNING");
		assertThat(hypervisor.paused(1)).isFalse();
		assertThat(suspend(1, Guests.SHADOW_REPLAY).get("state").asString()).isEqualTo("SUCCEEDED");
	}

	@Test
	void refusesOutputCommitWhereTheAdapterCannotHoldTheGuestsOutput() throws Exception {
		problem(postJson("/api/v1/domains/1/periodic-checkpoints",
				"{\"strategy\":\"SHADOW_REPLAY\",\"intervalMs\":10,\"outputCommit\":true}"), 422, "NOT_SUPPORTED");
		assertThat(call(get("/api/v1/domains/1/checkpoints"), 200).get("totalItems").asLong()).isZero();
	}

	@Test
	void rejectsAnIntervalOutOfRange() throws Exception {
		problem(postJson("/api/v1/domains/1/periodic-checkpoints", "{\"strategy\":\"SHADOW_REPLAY\",\"intervalMs\":9}"),
				400, "VALIDATION_FAILED");
		problem(postJson("/api/v1/domains/1/periodic-checkpoints", "{\"strategy\":\"SHADOW_REPLAY\"}"), 400,
				"VALIDATION_FAILED");
	}

}

package org.xso.operation;

import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.ResumeBlocker;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xso.hypervisor.HypervisorException.Reason;
import org.xso.hypervisor.PowerState;
import org.xso.support.FakeHypervisor.Call;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/** Every phase has a compensation: a failed suspend runs again, a failed resume stays suspended. */
class CompensationTests extends IntegrationTest {

	@BeforeEach
	void guest() throws Exception {
		createDomain(1);
	}

	@Test
	void rollsBackASuspendWhoseQuiesceFails() throws Exception {
		hypervisor.failNext(Call.QUIESCE, Reason.DEVICE_NOT_QUIESCED);
		JsonNode op = suspend(1, Guests.SUSPEND_RESUME);
		assertThat(op.get("state").asString()).isEqualTo("ROLLED_BACK");
		assertThat(op.get("error").get("code").asString()).isEqualTo("DEVICE_NOT_QUIESCED");
		assertThat(op.get("error").get("instance").asString()).isEqualTo("/api/v1/operations/" + id(op));
		assertThat(op.get("phases").get(0).get("state").asString()).isEqualTo("FAILED");
		assertThat(op.get("phases").get(1).get("state").asString()).isEqualTo("SKIPPED");
		assertRunningWithDevicesConnected();
	}

	@Test
	void thawsTheGuestWhenSavingFails() throws Exception {
		hypervisor.failNext(Call.SAVE, Reason.INTERNAL);
		JsonNode op = suspend(1, Guests.SHADOW_REPLAY);
		assertThat(op.get("state").asString()).isEqualTo("ROLLED_BACK");
		assertThat(op.get("error").get("code").asString()).isEqualTo("HYPERVISOR_ERROR");
		assertThat(op.get("phases").get(0).get("state").asString()).isEqualTo("COMPENSATED");
		assertThat(hypervisor.calls(Call.THAW)).isEqualTo(1);
		assertRunningWithDevicesConnected();
		assertThat(jdbc.queryForObject("select count(*) from checkpoints", Integer.class)).isZero();
	}

	@Test
	void deletesTheCheckpointAndThawsWhenTheFinalSuspendFails() throws Exception {
		hypervisor.failNext(Call.SUSPEND, Reason.BACKEND_TIMEOUT);
		JsonNode op = suspend(1, Guests.SHADOW_REPLAY);
		assertThat(op.get("state").asString()).isEqualTo("ROLLED_BACK");
		assertThat(op.get("error").get("code").asString()).isEqualTo("BACKEND_TIMEOUT");
		assertThat(op.get("phases").findValuesAsString("state")).containsExactly("COMPENSATED", "COMPENSATED",
				"COMPENSATED", "FAILED");
		assertRunningWithDevicesConnected();
		assertThat(jdbc.queryForObject("select count(*) from checkpoints", Integer.class)).isZero();
	}

	@Test
	void faultsTheDomainWhenEvenTheThawFails() throws Exception {
		hypervisor.failNext(Call.SAVE, Reason.INTERNAL);
		hypervisor.failNext(Call.THAW, Reason.HYPERVISOR_UNAVAILABLE);
		JsonNode op = suspend(1, Guests.SHADOW_REPLAY);
		assertThat(op.get("state").asString()).isEqualTo("FAILED");
		assertThat(op.get("error").get("code").asString()).isEqualTo("COMPENSATION_FAILED");
		JsonNode d = call(get("/api/v1/domains/1"), 200);
		assertThat(d.get("state").asString()).isEqualTo("FAULTED");
		assertThat(d.get("powerState").asString()).isEqualTo("PAUSED");
		assertThat(d.has("lease")).isFalse();
	}

	@Test
	void keepsTheDomainSuspendedWithItsCheckpointWhenResumeFails() throws Exception {
		String checkpoint = suspend(1, Guests.SHADOW_REPLAY).get("checkpointId").asString();
		hypervisor.failNext(Call.RESUME, Reason.BACKEND_UNAVAILABLE);
		JsonNode op = resume(1);
		assertThat(op.get("state").asString()).isEqualTo("RESUME_FAILED");
		assertThat(op.get("error").get("code").asString()).isEqualTo("BACKEND_UNAVAILABLE");
		JsonNode d = call(get("/api/v1/domains/1"), 200);
		assertThat(d.get("state").asString()).isEqualTo("SUSPENDED");
		assertThat(d.get("suspendCheckpointId").asString()).isEqualTo(checkpoint);
		assertThat(call(get("/api/v1/checkpoints/" + checkpoint + "/integrity"), 200).get("ok").asBoolean()).isTrue();
		assertThat(call(get("/api/v1/checkpoints/" + checkpoint), 200).get("pinned").asBoolean()).isTrue();
		assertThat(hypervisor.power(1)).isEmpty();
		assertThat(resume(1).get("state").asString()).isEqualTo("SUCCEEDED");
	}

	@Test
	void failsAResumeTheHostCannotTakeAtVerification() throws Exception {
		suspend(1, Guests.SHADOW_REPLAY);
		hypervisor.blockResumesWith(ResumeBlocker.of(ResumeBlocker.Kind.BACKEND_MISSING, DeviceId.vif(0),
				"no backend domain 0"));
		JsonNode op = resume(1);
		assertThat(op.get("state").asString()).isEqualTo("RESUME_FAILED");
		assertThat(op.get("error").get("code").asString()).isEqualTo("CHECKPOINT_NOT_RESUMABLE");
		assertThat(op.get("error").get("reasons").get(0).asString()).contains("no backend");
		assertThat(op.get("phases").get(0).get("state").asString()).isEqualTo("FAILED");
		assertThat(hypervisor.calls(Call.RESUME)).isZero();
	}

	@Test
	void reportsAPassedDeadlineTheMomentTheRunningPhaseEnds() throws Exception {
		// the deadline passes while QUIESCE runs because the test moves the clock past it: a short
		// deadline in real time could pass before the worker reaches QUIESCE on a busy machine
		hypervisor.hold(Call.QUIESCE);
		JsonNode accepted = call(postJson("/api/v1/domains/1/suspend",
				"{\"strategy\":\"SHADOW_REPLAY\",\"quiesceTimeoutMs\":100,\"deadlineMs\":60000}"), 202);
		assertThat(hypervisor.awaitArrival(Call.QUIESCE, Duration.ofSeconds(60))).isTrue();
		clock.advance(Duration.ofSeconds(61));
		hypervisor.release(Call.QUIESCE);
		JsonNode op = awaitOperation(id(accepted), "ROLLED_BACK", "SUCCEEDED");
		assertThat(op.get("state").asString()).isEqualTo("ROLLED_BACK");
		assertThat(op.get("error").get("code").asString()).isEqualTo("DEADLINE_EXCEEDED");
		assertThat(hypervisor.calls(Call.SAVE)).isZero();
		assertRunningWithDevicesConnected();
	}

	@Test
	void failsARestoreWithoutLeavingTheNewDomainBehind() throws Exception {
		String checkpoint = suspend(1, Guests.SHADOW_REPLAY).get("checkpointId").asString();
		hypervisor.hold(Call.RESUME);
		hypervisor.failNext(Call.RESUME, Reason.OUT_OF_MEMORY);
		JsonNode accepted = call(postJson("/api/v1/checkpoints/" + checkpoint + "/restore", "{\"targetDomid\": 9}"),
				202);
		assertThat(hypervisor.awaitArrival(Call.RESUME, Duration.ofSeconds(30))).isTrue();
		assertThat(call(get("/api/v1/domains/9"), 200).get("state").asString()).isEqualTo("RESTORING");
		hypervisor.release(Call.RESUME);
		JsonNode op = awaitOperation(id(accepted), "RESUME_FAILED", "SUCCEEDED");
		assertThat(op.get("state").asString()).isEqualTo("RESUME_FAILED");
		problem(get("/api/v1/domains/9"), 404, "DOMAIN_NOT_FOUND");
		assertThat(hypervisor.power(9)).isEmpty();
		assertThat(call(get("/api/v1/domains/1"), 200).get("state").asString()).isEqualTo("SUSPENDED");
	}

	private void assertRunningWithDevicesConnected() throws Exception {
		JsonNode d = call(get("/api/v1/domains/1"), 200);
		assertThat(d.get("state").asString()).isEqualTo("RUNNING");
		assertThat(d.get("powerState").asString()).isEqualTo("RUNNING");
		assertThat(d.get("devices").findValuesAsString("frontendState")).containsOnly("Connected");
		assertThat(d.get("devices").findValuesAsString("backendState")).containsOnly("Connected");
		assertThat(d.has("lease")).isFalse();
		assertThat(hypervisor.power(1)).contains(PowerState.RUNNING);
		call(post("/api/v1/domains/1/resume?dryRun=true"), 200);
	}

}

package org.xso.operation;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xso.support.FakeHypervisor.Call;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

class CancelTests extends IntegrationTest {

	@BeforeEach
	void guest() throws Exception {
		createDomain(1);
	}

	@Test
	void cancelsDuringQuiesceAndThawsTheGuest() throws Exception {
		hypervisor.hold(Call.QUIESCE);
		JsonNode op = call(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY), 202);
		assertThat(hypervisor.awaitArrival(Call.QUIESCE, Duration.ofSeconds(30))).isTrue();
		JsonNode requested = call(post("/api/v1/operations/" + id(op) + "/cancel"), 202);
		assertThat(requested.get("cancelRequested").asBoolean()).isTrue();
		assertThat(requested.get("cancellable").asBoolean()).isFalse();
		hypervisor.release(Call.QUIESCE);
		JsonNode ended = awaitOperation(id(op), "CANCELLED", "SUCCEEDED");
		assertThat(ended.get("state").asString()).isEqualTo("CANCELLED");
		assertThat(ended.get("error").get("code").asString()).isEqualTo("CANCELLED");
		assertThat(ended.get("phases").get(0).get("state").asString()).isEqualTo("COMPENSATED");
		assertThat(hypervisor.calls(Call.SAVE)).isZero();
		assertThat(call(get("/api/v1/domains/1"), 200).get("powerState").asString()).isEqualTo("RUNNING");
	}

	@Test
	void honoursACancelAnotherInstanceRecordedAtTheNextPhaseBoundary() throws Exception {
		hypervisor.hold(Call.SAVE);
		JsonNode op = call(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY), 202);
		assertThat(hypervisor.awaitArrival(Call.SAVE, Duration.ofSeconds(30))).isTrue();
		// the flag alone, as a replica that took the cancel request sets it: no signal on this instance
		assertThat(jdbc.update("update operations set cancel_requested = true where id = ?",
				java.util.UUID.fromString(id(op)))).isEqualTo(1);
		hypervisor.release(Call.SAVE);
		JsonNode ended = awaitOperation(id(op), "CANCELLED", "ROLLED_BACK", "SUCCEEDED");
		assertThat(ended.get("error").get("code").asString()).isEqualTo("CANCELLED");
		assertThat(ended.has("checkpointId")).as("no checkpoint stored").isFalse();
		assertThat(hypervisor.calls(Call.SUSPEND)).isZero();
		assertThat(call(get("/api/v1/domains/1"), 200).get("powerState").asString()).isEqualTo("RUNNING");
	}

	@Test
	void refusesToCancelPastThePointOfNoReturn() throws Exception {
		hypervisor.hold(Call.SUSPEND);
		JsonNode op = call(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY), 202);
		assertThat(hypervisor.awaitArrival(Call.SUSPEND, Duration.ofSeconds(30))).isTrue();
		JsonNode running = call(get("/api/v1/operations/" + id(op)), 200);
		assertThat(running.get("phase").asString()).isEqualTo("SUSPEND");
		assertThat(running.get("cancellable").asBoolean()).isFalse();
		JsonNode p = problem(post("/api/v1/operations/" + id(op) + "/cancel"), 409, "OPERATION_NOT_CANCELLABLE");
		assertThat(p.get("operationId").asString()).isEqualTo(id(op));
		hypervisor.release(Call.SUSPEND);
		assertThat(awaitOperation(id(op), "SUCCEEDED").get("state").asString()).isEqualTo("SUCCEEDED");
		problem(post("/api/v1/operations/" + id(op) + "/cancel"), 409, "OPERATION_FINISHED");
	}

	@Test
	void refusesToCancelAResumeOnceTheHypervisorRestores() throws Exception {
		suspend(1, Guests.SHADOW_REPLAY);
		hypervisor.hold(Call.RESUME);
		JsonNode op = call(post("/api/v1/domains/1/resume"), 202);
		assertThat(hypervisor.awaitArrival(Call.RESUME, Duration.ofSeconds(30))).isTrue();
		problem(post("/api/v1/operations/" + id(op) + "/cancel"), 409, "OPERATION_NOT_CANCELLABLE");
		hypervisor.release(Call.RESUME);
		awaitOperation(id(op), "SUCCEEDED");
	}

	@Test
	void answersUnknownOperations() throws Exception {
		problem(post("/api/v1/operations/00000000-0000-0000-0000-00000000000a/cancel"), 404, "OPERATION_NOT_FOUND");
	}

}

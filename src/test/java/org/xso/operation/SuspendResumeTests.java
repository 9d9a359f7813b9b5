package org.xso.operation;

import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.ResumeBlocker;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.MvcResult;
import org.xso.support.FakeHypervisor;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

class SuspendResumeTests extends IntegrationTest {

	@BeforeEach
	void guest() throws Exception {
		createDomain(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "SHADOW_REPLAY", "SUSPEND_RESUME" })
	void suspendsToAPinnedCheckpointAndResumesWithNewGrants(String strategy) throws Exception {
		MvcResult accepted = mvc.perform(postJson("/api/v1/domains/1/suspend",
				"{\"strategy\":\"" + strategy + "\",\"quiesceTimeoutMs\":1000}")).andReturn();
		assertThat(accepted.getResponse().getStatus()).isEqualTo(202);
		String location = accepted.getResponse().getHeader("Location");
		assertThat(location).isEqualTo("/api/v1/operations/" + id(body(accepted)));
		JsonNode op = awaitOperation(id(body(accepted)), "SUCCEEDED", "ROLLED_BACK", "FAILED");
		assertThat(op.get("state").asString()).isEqualTo("SUCCEEDED");
		assertThat(op.get("progress").asInt()).isEqualTo(100);
		assertThat(op.get("phases").findValuesAsString("state")).containsOnly("DONE");
		assertThat(op.get("phases").get(0).get("durationMs").isNumber()).isTrue();
		assertThat(op.get("devices").size()).isEqualTo(2);
		long inFlight = strategy.equals("SHADOW_REPLAY") ? op.get("devices").get(0).get("shadowed").asLong()
				: op.get("devices").get(0).get("drained").asLong();
		assertThat(inFlight).isPositive();

		JsonNode domain = call(get("/api/v1/domains/1"), 200);
		assertThat(domain.get("state").asString()).isEqualTo("SUSPENDED");
		assertThat(domain.get("powerState").asString()).isEqualTo("ABSENT");
		String checkpoint = op.get("checkpointId").asString();
		assertThat(domain.get("suspendCheckpointId").asString()).isEqualTo(checkpoint);
		JsonNode c = call(get("/api/v1/checkpoints/" + checkpoint), 200);
		assertThat(c.get("pinned").asBoolean()).isTrue();
		assertThat(c.get("kind").asString()).isEqualTo("SUSPEND");
		assertThat(c.get("strategy").asString()).isEqualTo(strategy);

		JsonNode resumed = resume(1);
		assertThat(resumed.get("state").asString()).isEqualTo("SUCCEEDED");
		assertThat(resumed.get("checkpointId").asString()).isEqualTo(checkpoint);
		assertThat(resumed.get("phases").findValuesAsString("name")).containsExactly("VERIFY_CHECKPOINT", "RESTORE",
				"REGRANT", "RECONNECT", "REPLAY", "VERIFY");
		for (JsonNode device : resumed.get("devices")) {
			assertThat(device.get("allRefsNew").asBoolean()).isTrue();
			assertThat(device.get("grantRefsReissued").asInt()).isPositive();
		}
		JsonNode running = call(get("/api/v1/domains/1"), 200);
		assertThat(running.get("state").asString()).isEqualTo("RUNNING");
		assertThat(running.has("suspendCheckpointId")).isFalse();
		assertThat(running.has("lease")).isFalse();
		assertThat(call(get("/api/v1/checkpoints/" + checkpoint), 200).get("pinned").asBoolean()).isFalse();
	}

	@Test
	void answersADryRunWithoutStartingAnything() throws Exception {
		JsonNode check = call(get("/api/v1/domains/1/resume-check"), 200);
		assertThat(check.get("resumable").asBoolean()).isFalse();
		assertThat(check.get("reasons").findValuesAsString("code")).contains("BAD_POWER_STATE", "NO_CHECKPOINT");
		suspend(1, Guests.SHADOW_REPLAY);
		check = call(get("/api/v1/domains/1/resume-check"), 200);
		assertThat(check.get("resumable").asBoolean()).isTrue();
		hypervisor.blockResumesWith(ResumeBlocker.of(ResumeBlocker.Kind.BACKEND_FEATURE_MISSING, DeviceId.vbd(51712),
				"backend lacks feature-persistent"));
		check = call(get("/api/v1/domains/1/resume-check"), 200);
		assertThat(check.get("reasons").findValuesAsString("code")).containsExactly("BACKEND_FEATURE_MISSING");
		// in the service's words: the adapter's sentence is for the log
		assertThat(check.get("reasons").get(0).get("detail").asString())
			.isEqualTo("vbd/51712: the backend lacks a feature the device needs");
		assertThat(jdbc.queryForObject("select count(*) from operations where kind = 'RESUME'", Integer.class))
			.isZero();
	}

	@Test
	void refusesASecondOperationOnABusyDomainNamingTheRunningOne() throws Exception {
		hypervisor.hold(FakeHypervisor.Call.QUIESCE);
		JsonNode first = call(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY), 202);
		assertThat(hypervisor.awaitArrival(FakeHypervisor.Call.QUIESCE, Duration.ofSeconds(30))).isTrue();
		JsonNode busy = problem(postJson("/api/v1/domains/1/checkpoints", Guests.SUSPEND_RESUME), 409, "DOMAIN_BUSY");
		assertThat(busy.get("operationId").asString()).isEqualTo(id(first));
		assertThat(busy.get("lease").get("operationId").asString()).isEqualTo(id(first));
		assertThat(busy.get("lease").get("owner").asString()).isEqualTo("test-instance");
		JsonNode domain = call(get("/api/v1/domains/1"), 200);
		assertThat(domain.get("lease").get("operationId").asString()).isEqualTo(id(first));
		problem(post("/api/v1/domains/1/resume"), 409, "DOMAIN_BUSY");
		JsonNode running = call(get("/api/v1/operations/" + id(first)), 200);
		assertThat(running.get("state").asString()).isEqualTo("RUNNING");
		assertThat(running.get("phase").asString()).isEqualTo("QUIESCE");
		assertThat(running.get("cancellable").asBoolean()).isTrue();
		hypervisor.release(FakeHypervisor.Call.QUIESCE);
		awaitOperation(id(first), "SUCCEEDED");
	}

	@Test
	void returnsTheSameOperationForARepeatedIdempotencyKey() throws Exception {
		MvcResult first = mvc.perform(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY)
			.header("Idempotency-Key", "suspend-1-a")).andReturn();
		assertThat(first.getResponse().getHeader("Idempotent-Replayed")).isEqualTo("false");
		String id = id(body(first));
		awaitOperation(id, "SUCCEEDED");
		MvcResult again = mvc.perform(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY)
			.header("Idempotency-Key", "suspend-1-a")).andReturn();
		assertThat(again.getResponse().getStatus()).isEqualTo(202);
		assertThat(again.getResponse().getHeader("Idempotent-Replayed")).isEqualTo("true");
		assertThat(id(body(again))).isEqualTo(id);
		assertThat(again.getResponse().getHeader("Location")).isEqualTo("/api/v1/operations/" + id);
		JsonNode reused = problem(postJson("/api/v1/domains/1/suspend", Guests.SUSPEND_RESUME)
			.header("Idempotency-Key", "suspend-1-a"), 422, "IDEMPOTENCY_KEY_REUSED");
		assertThat(reused.get("operationId").asString()).isEqualTo(id);
		assertThat(jdbc.queryForObject("select count(*) from operations", Integer.class)).isEqualTo(1);
	}

	@Test
	void returnsTheRunningOperationForARepeatedKeyWhileItRuns() throws Exception {
		hypervisor.hold(FakeHypervisor.Call.QUIESCE);
		JsonNode first = call(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY).header("Idempotency-Key",
				"k1"), 202);
		JsonNode again = call(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY).header("Idempotency-Key",
				"k1"), 202);
		assertThat(id(again)).isEqualTo(id(first));
		hypervisor.release(FakeHypervisor.Call.QUIESCE);
		awaitOperation(id(first), "SUCCEEDED");
	}

	@Test
	void refusesAStaleIfMatch() throws Exception {
		JsonNode p = problem(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY).header("If-Match", "\"41\""),
				412, "PRECONDITION_FAILED");
		assertThat(p.get("etag").asString()).isEqualTo("\"0\"");
		JsonNode op = suspend(1, Guests.SHADOW_REPLAY);
		assertThat(op.get("state").asString()).isEqualTo("SUCCEEDED");
		problem(post("/api/v1/domains/1/resume").header("If-Match", "\"0\""), 412, "PRECONDITION_FAILED");
		String etag = mvc.perform(get("/api/v1/domains/1")).andReturn().getResponse().getHeader("ETag");
		call(post("/api/v1/domains/1/resume").header("If-Match", etag), 202);
	}

	@Test
	void refusesOperationsThePowerStateDoesNotAllow() throws Exception {
		problem(post("/api/v1/domains/1/resume"), 409, "BAD_POWER_STATE");
		suspend(1, Guests.SHADOW_REPLAY);
		problem(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY), 409, "BAD_POWER_STATE");
		problem(postJson("/api/v1/domains/1/checkpoints", Guests.SHADOW_REPLAY), 409, "BAD_POWER_STATE");
		problem(postJson("/api/v1/domains/2/suspend", Guests.SHADOW_REPLAY), 404, "DOMAIN_NOT_FOUND");
	}

	@Test
	void listsOperationsFilteredAndPaged() throws Exception {
		suspend(1, Guests.SHADOW_REPLAY);
		resume(1);
		JsonNode all = call(get("/api/v1/operations?domid=1"), 200);
		assertThat(all.get("totalItems").asLong()).isEqualTo(2);
		assertThat(all.get("items").get(0).get("kind").asString()).isEqualTo("RESUME");
		JsonNode suspends = call(get("/api/v1/operations?kind=SUSPEND&state=SUCCEEDED&size=1"), 200);
		assertThat(suspends.get("totalItems").asLong()).isEqualTo(1);
		problem(get("/api/v1/operations?kind=NAP"), 400, "VALIDATION_FAILED");
		problem(get("/api/v1/operations?domid=0"), 400, "VALIDATION_FAILED");
	}

}

package org.xso.domain;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.MvcResult;
import org.xso.hypervisor.HypervisorException;
import org.xso.hypervisor.PowerState;
import org.xso.support.FakeHypervisor;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import org.xso.support.TestJwts;
import org.xso.support.TestTokens;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/** {@code POST /domains/{domid}/pause} and {@code /unpause}: synchronous changes of a running guest. */
class PauseApiTests extends IntegrationTest {

	@Test
	void pausesARunningDomainAndUnpausesItWithANewETagEachTime() throws Exception {
		createDomain(1);
		MvcResult paused = mvc.perform(post("/api/v1/domains/1/pause").header("If-Match", "\"0\"")).andReturn();
		assertThat(paused.getResponse().getStatus()).as(paused.getResponse().getContentAsString()).isEqualTo(200);
		assertThat(paused.getResponse().getHeader("ETag")).isEqualTo("\"1\"");
		JsonNode d = body(paused);
		assertThat(d.get("state").asString()).isEqualTo("PAUSED");
		assertThat(d.get("powerState").asString()).isEqualTo("PAUSED");
		assertThat(d.get("devices").findValuesAsString("frontendState")).containsOnly("Connected");
		assertThat(d.has("lease")).as("the lease went with the request").isFalse();
		assertThat(hypervisor.paused(1)).isTrue();
		assertThat(call(get("/api/v1/domains?state=PAUSED"), 200).get("totalItems").asLong()).isEqualTo(1);

		problem(post("/api/v1/domains/1/unpause").header("If-Match", "\"0\""), 412, "PRECONDITION_FAILED");
		MvcResult running = mvc.perform(post("/api/v1/domains/1/unpause").header("If-Match", "\"1\"")).andReturn();
		assertThat(running.getResponse().getStatus()).isEqualTo(200);
		assertThat(running.getResponse().getHeader("ETag")).isEqualTo("\"2\"");
		assertThat(body(running).get("state").asString()).isEqualTo("RUNNING");
		assertThat(body(running).get("powerState").asString()).isEqualTo("RUNNING");
		assertThat(hypervisor.power(1)).contains(PowerState.RUNNING);
	}

	@Test
	void eachChangeIsADomainStateEventInTheCallersName() throws Exception {
		createDomain(1);
		var alice = TestTokens.bearer(TestJwts.jwt("alice", "operator"));
		call(post("/api/v1/domains/1/pause").with(alice), 200);
		call(post("/api/v1/domains/1/unpause").with(alice), 200);
		// alice's only: what an earlier test's requests caused may still be being recorded
		String events = "select payload from event_log where domid = 1 and event_type = 'domain.state'"
				+ " and principal = 'alice' order by id";
		// the event stream records asynchronously
		await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForList(events, String.class).size() == 2);
		assertThat(jdbc.queryForList(events, String.class)).satisfiesExactly(p -> assertThat(p).contains("\"from\":\"RUNNING\"", "\"to\":\"PAUSED\"", "alice"),
					p -> assertThat(p).contains("\"from\":\"PAUSED\"", "\"to\":\"RUNNING\"", "alice"));
	}

	@Test
	void pausesOnlyARunningDomainAndUnpausesOnlyAPausedOne() throws Exception {
		createDomain(1);
		JsonNode p = problem(post("/api/v1/domains/1/unpause"), 409, "BAD_POWER_STATE");
		assertThat(p.get("detail").asString()).contains("RUNNING");
		suspend(1, Guests.SHADOW_REPLAY);
		problem(post("/api/v1/domains/1/pause"), 409, "BAD_POWER_STATE");
		problem(post("/api/v1/domains/1/unpause"), 409, "BAD_POWER_STATE");
		assertThat(call(get("/api/v1/domains/1"), 200).get("state").asString()).isEqualTo("SUSPENDED");
		assertThat(hypervisor.calls(FakeHypervisor.Call.PAUSE)).isZero();
		problem(post("/api/v1/domains/9/pause"), 404, "DOMAIN_NOT_FOUND");
		problem(post("/api/v1/domains/9/unpause"), 404, "DOMAIN_NOT_FOUND");
		problem(post("/api/v1/domains/0/pause"), 400, "VALIDATION_FAILED");
	}

	@Test
	void aPausedDomainIsNeitherSuspendedNorCheckpointedNorGivenDevicesOrAWorkload() throws Exception {
		createDomain(1);
		call(post("/api/v1/domains/1/pause"), 200);
		JsonNode p = problem(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY), 409, "BAD_POWER_STATE");
		assertThat(p.get("detail").asString()).contains("PAUSED");
		problem(postJson("/api/v1/domains/1/checkpoints", Guests.SHADOW_REPLAY), 409, "BAD_POWER_STATE");
		problem(postJson("/api/v1/domains/1/periodic-checkpoints", "{\"strategy\":\"SHADOW_REPLAY\",\"intervalMs\":500}"),
				409, "BAD_POWER_STATE");
		JsonNode check = call(get("/api/v1/domains/1/suspend-check?strategy=SHADOW_REPLAY"), 200);
		assertThat(check.get("suspendable").asBoolean()).isFalse();
		assertThat(check.get("reasons").findValuesAsString("code")).contains("BAD_POWER_STATE");
		problem(postJson("/api/v1/domains/1/workload", "{\"action\":\"START\"}"), 409, "BAD_POWER_STATE");
		assertThat(hypervisor.calls(FakeHypervisor.Call.QUIESCE)).isZero();
		assertThat(call(get("/api/v1/domains/1"), 200).get("state").asString()).isEqualTo("PAUSED");

		call(post("/api/v1/domains/1/unpause"), 200);
		assertThat(suspend(1, Guests.SHADOW_REPLAY).get("state").asString()).isEqualTo("SUCCEEDED");
	}

	@Test
	void deletesAPausedDomain() throws Exception {
		createDomain(1);
		call(post("/api/v1/domains/1/pause"), 200);
		call(delete("/api/v1/domains/1"), 204);
		assertThat(hypervisor.power(1)).isEmpty();
		problem(get("/api/v1/domains/1"), 404, "DOMAIN_NOT_FOUND");
	}

	@Test
	void refusesWhileAnOperationHoldsTheDomain() throws Exception {
		createDomain(1);
		hypervisor.hold(FakeHypervisor.Call.QUIESCE);
		JsonNode accepted = call(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY), 202);
		assertThat(hypervisor.awaitArrival(FakeHypervisor.Call.QUIESCE, Duration.ofSeconds(30))).isTrue();
		JsonNode busy = problem(post("/api/v1/domains/1/pause"), 409, "DOMAIN_BUSY");
		assertThat(busy.get("operationId").asString()).isEqualTo(id(accepted));
		hypervisor.release(FakeHypervisor.Call.QUIESCE);
		awaitOperation(id(accepted), "SUCCEEDED");
		assertThat(hypervisor.calls(FakeHypervisor.Call.PAUSE)).isZero();
	}

	@Test
	void refusesAGuestOfAnotherHost() throws Exception {
		createDomain(1);
		jdbc.update("update domains set host_name = 'elsewhere' where domid = 1");
		JsonNode p = problem(post("/api/v1/domains/1/pause"), 409, "DOMAIN_ON_OTHER_HOST");
		assertThat(p.get("detail").asString()).contains("elsewhere");
		assertThat(hypervisor.calls(FakeHypervisor.Call.PAUSE)).isZero();
	}

	@Test
	void aPauseTheHypervisorRefusesChangesNothing() throws Exception {
		createDomain(1);
		hypervisor.failNext(FakeHypervisor.Call.PAUSE, HypervisorException.Reason.BACKEND_TIMEOUT);
		problem(post("/api/v1/domains/1/pause"), 504, "BACKEND_TIMEOUT");
		JsonNode d = call(get("/api/v1/domains/1"), 200);
		assertThat(d.get("state").asString()).isEqualTo("RUNNING");
		assertThat(d.get("version").asLong()).isZero();
		assertThat(d.has("lease")).isFalse();
		assertThat(hypervisor.power(1)).contains(PowerState.RUNNING);
	}

	@Test
	void anOperatorMayPauseAndAViewerMayNot() throws Exception {
		createDomain(1);
		problem(post("/api/v1/domains/1/pause").with(TestTokens.bearer(TestJwts.jwt("val", "viewer"))), 403, "FORBIDDEN");
		call(post("/api/v1/domains/1/pause").with(TestTokens.bearer(TestJwts.jwt("olga", "operator"))), 200);
	}

}

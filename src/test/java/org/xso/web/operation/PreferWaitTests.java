package org.xso.web.operation;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.MvcResult;
import org.xso.hypervisor.HypervisorException;
import org.xso.support.FakeHypervisor;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/**
 * {@code Prefer: wait=N} (RFC 7240) on a request that starts an operation: the finished operation
 * in one exchange, or the operation as it is once the wait runs out; every answer is checked
 * against openapi.yaml.
 */
class PreferWaitTests extends IntegrationTest {

	@BeforeEach
	void guest() throws Exception {
		createDomain(1);
	}

	@Test
	void answersASuspendAndAResumeWithTheFinishedOperationInOneExchange() throws Exception {
		MvcResult suspended = mvc
			.perform(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY).header("Prefer", "wait=20"))
			.andReturn();
		assertThat(suspended.getResponse().getStatus()).isEqualTo(200);
		assertThat(suspended.getResponse().getHeader("Preference-Applied")).isEqualTo("wait=20");
		JsonNode op = body(suspended);
		assertThat(op.get("state").asString()).isEqualTo("SUCCEEDED");
		assertThat(suspended.getResponse().getHeader("Location")).isEqualTo("/api/v1/operations/" + id(op));
		assertThat(call(get("/api/v1/domains/1"), 200).get("state").asString()).isEqualTo("SUSPENDED");

		MvcResult resumed = mvc
			.perform(postJson("/api/v1/domains/1/resume", "{}").header("Prefer", "respond-async, wait=20"))
			.andReturn();
		assertThat(resumed.getResponse().getStatus()).isEqualTo(200);
		assertThat(body(resumed).get("state").asString()).isEqualTo("SUCCEEDED");
		assertThat(call(get("/api/v1/domains/1"), 200).get("state").asString()).isEqualTo("RUNNING");
	}

	@Test
	void answersAFailedOperationWithItsProblemWhenItEndsWithinTheWait() throws Exception {
		hypervisor.failNext(FakeHypervisor.Call.QUIESCE, HypervisorException.Reason.QUIESCE_TIMEOUT);
		MvcResult r = mvc
			.perform(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY).header("Prefer", "wait=20"))
			.andReturn();
		assertThat(r.getResponse().getStatus()).isEqualTo(200);
		JsonNode op = body(r);
		assertThat(op.get("state").asString()).isEqualTo("ROLLED_BACK");
		assertThat(op.get("error").get("code").asString()).isEqualTo("QUIESCE_TIMEOUT");
		assertThat(op.get("error").get("status").asInt()).isEqualTo(409);
		assertThat(op.get("error").get("instance").asString()).isEqualTo("/api/v1/operations/" + id(op));
	}

	@Test
	void answersWithTheOperationAsItIsWhenTheWaitRunsOut() throws Exception {
		hypervisor.hold(FakeHypervisor.Call.QUIESCE);
		try {
			MvcResult r = mvc
				.perform(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY).header("Prefer", "wait=1"))
				.andReturn();
			assertThat(r.getResponse().getStatus()).isEqualTo(202);
			assertThat(r.getResponse().getHeader("Preference-Applied")).isEqualTo("wait=1");
			JsonNode op = body(r);
			assertThat(op.get("state").asString()).isIn("PENDING", "RUNNING");
			assertThat(hypervisor.awaitArrival(FakeHypervisor.Call.QUIESCE, Duration.ofSeconds(30))).isTrue();
			hypervisor.release(FakeHypervisor.Call.QUIESCE);
			assertThat(awaitOperation(id(op), "SUCCEEDED", "ROLLED_BACK", "FAILED").get("state").asString())
				.isEqualTo("SUCCEEDED");
		}
		finally {
			hypervisor.release(FakeHypervisor.Call.QUIESCE);
		}
	}

	@Test
	void answersAtOnceWithoutAWaitPreference() throws Exception {
		for (String prefer : new String[] { "respond-async", "wait=soon", "wait=0", "handling=strict" }) {
			hypervisor.hold(FakeHypervisor.Call.QUIESCE);
			MvcResult r = mvc
				.perform(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY).header("Prefer", prefer))
				.andReturn();
			assertThat(r.getResponse().getStatus()).as(prefer).isEqualTo(202);
			assertThat(r.getResponse().getHeader("Preference-Applied")).as(prefer).isNull();
			assertThat(hypervisor.awaitArrival(FakeHypervisor.Call.QUIESCE, Duration.ofSeconds(30))).isTrue();
			hypervisor.release(FakeHypervisor.Call.QUIESCE);
			awaitOperation(id(body(r)), "SUCCEEDED");
			resume(1);
		}
	}

	@Test
	void capsTheWaitAtThirtySeconds() throws Exception {
		MvcResult r = mvc
			.perform(postJson("/api/v1/domains/1/suspend", Guests.SHADOW_REPLAY).header("Prefer", "wait=86400"))
			.andReturn();
		assertThat(r.getResponse().getStatus()).isEqualTo(200);
		assertThat(r.getResponse().getHeader("Preference-Applied")).isEqualTo("wait=30");
	}

}

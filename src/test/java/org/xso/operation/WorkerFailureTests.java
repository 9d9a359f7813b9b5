package org.xso.operation;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xso.support.FakeHypervisor;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/** What a worker records when something other than the hypervisor fails under it. */
class WorkerFailureTests extends IntegrationTest {

	@BeforeEach
	void guest() throws Exception {
		createDomain(1);
	}

	@Test
	void anErrorInAWorkerEndsItsOperationAtOnceAndThawsTheGuest() throws Exception {
		hypervisor.failNextWith(FakeHypervisor.Call.SAVE, new OutOfMemoryError("injected: Java heap space"));
		JsonNode accepted = call(postJson("/api/v1/domains/1/checkpoints", Guests.SHADOW_REPLAY), 202);

		JsonNode op = awaitOperation(id(accepted), "FAILED", "ROLLED_BACK", "SUCCEEDED");
		// ended by the worker itself, not "recovered" once its lease expired
		assertThat(op.get("state").asString()).as(op.toString()).isEqualTo("FAILED");
		assertThat(op.get("error").get("code").asString()).isEqualTo("INTERNAL_ERROR");
		assertThat(op.get("error").get("detail").asString()).contains("OutOfMemoryError")
			.doesNotContain("Java heap space");
		assertThat(op.has("recoveryNote")).isFalse();
		JsonNode domain = call(get("/api/v1/domains/1"), 200);
		assertThat(domain.get("state").asString()).isEqualTo("RUNNING");
		assertThat(domain.get("powerState").asString()).isEqualTo("RUNNING");
		assertThat(domain.has("lease")).isFalse();
	}

	@Test
	void recordsAResumeWhoseDevicesHeldThousandsOfGrants() throws Exception {
		suspend(1, Guests.SHADOW_REPLAY);
		hypervisor.reportRefsBeforeResume(3_000); // 64 shadowed requests of 256 sectors hold about that many

		JsonNode resumed = resume(1);

		assertThat(resumed.get("state").asString()).as(resumed.toString().substring(0, 300)).isEqualTo("SUCCEEDED");
		assertThat(resumed.get("devices").get(0).get("refsBefore").size()).isEqualTo(3_000);
		assertThat(call(get("/api/v1/domains/1"), 200).get("state").asString()).isEqualTo("RUNNING");
	}

}

package org.xso.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import tools.jackson.databind.JsonNode;

class SimulatorApiTests extends IntegrationTest {

	@BeforeEach
	void guest() throws Exception {
		createDomain(1);
	}

	@Test
	void startsAndStopsAWorkload() throws Exception {
		assertThat(call(get("/api/v1/domains/1/workload"), 200).get("running").asBoolean()).isFalse();
		JsonNode started = call(postJson("/api/v1/domains/1/workload", "{\"action\":\"START\",\"queueDepth\":4}"), 200);
		assertThat(started.get("running").asBoolean()).isTrue();
		assertThat(call(postJson("/api/v1/domains/1/workload", "{\"action\":\"STOP\"}"), 200).get("running").asBoolean())
			.isFalse();
		assertThat(call(postJson("/api/v1/domains/1/workload/verify", "{\"timeoutMs\": 1000}"), 200).get("mismatches")
			.asLong()).isZero();
	}

	@Test
	void rejectsAWorkloadOutsideItsLimitsOrOnASuspendedGuest() throws Exception {
		problem(postJson("/api/v1/domains/1/workload", "{\"action\":\"START\",\"queueDepth\":0}"), 400,
				"VALIDATION_FAILED");
		problem(postJson("/api/v1/domains/1/workload", "{}"), 400, "VALIDATION_FAILED");
		suspend(1, Guests.SHADOW_REPLAY);
		problem(postJson("/api/v1/domains/1/workload", "{\"action\":\"START\"}"), 409, "BAD_POWER_STATE");
	}

	@Test
	void injectsFaultsWithTheFieldsTheirKindNeeds() throws Exception {
		call(postJson("/api/v1/simulator/faults",
				"{\"kind\":\"BACKEND_LATENCY\",\"domid\":1,\"deviceType\":\"vbd\",\"devid\":51712,\"latencyMs\":250}"), 204);
		call(postJson("/api/v1/simulator/faults", "{\"kind\":\"XENSTORE_CONFLICTS\",\"count\":2}"), 204);
		call(postJson("/api/v1/simulator/faults", "{\"kind\":\"BACKEND_FEATURES_AFTER_RESTORE\",\"domid\":1,"
				+ "\"deviceType\":\"vbd\",\"devid\":51712,\"features\":{\"persistent\":false,\"maxIndirectSegments\":0,"
				+ "\"flushCache\":true,\"discard\":false,\"maxRingPageOrder\":0}}"), 204);
		call(postJson("/api/v1/simulator/faults", "{\"kind\":\"GUEST_SUSPEND_LATENCY\",\"domid\":1,\"latencyMs\":300}"),
				204);
		assertThat(hypervisor.faults()).containsExactly("BACKEND_LATENCY 1 vbd/51712 250", "XENSTORE_CONFLICTS 2",
				"BACKEND_FEATURES_AFTER_RESTORE 1 vbd/51712 false", "GUEST_SUSPEND_LATENCY 1 300");
		problem(postJson("/api/v1/simulator/faults", "{\"kind\":\"GUEST_SUSPEND_LATENCY\",\"domid\":1}"), 400,
				"VALIDATION_FAILED");
		problem(postJson("/api/v1/simulator/faults", "{\"kind\":\"BACKEND_LATENCY\",\"domid\":1}"), 400,
				"VALIDATION_FAILED");
		problem(postJson("/api/v1/simulator/faults", "{\"kind\":\"BACKENDS_STALL\",\"domid\":9,\"stall\":true}"), 404,
				"DOMAIN_NOT_FOUND");
		problem(postJson("/api/v1/simulator/faults",
				"{\"kind\":\"LOSE_NOTIFICATIONS\",\"domid\":1,\"deviceType\":\"vif\",\"devid\":7,\"count\":1}"), 404,
				"DEVICE_NOT_FOUND");
	}

	@Test
	void answers422WhenTheAdapterHasNoSimulatorControls() throws Exception {
		hypervisor.withoutSimulator();
		JsonNode p = problem(get("/api/v1/domains/1/workload"), 422, "SIMULATOR_NOT_AVAILABLE");
		assertThat(p.get("detail").asString()).contains("fake");
		problem(postJson("/api/v1/domains/1/workload", "{\"action\":\"START\"}"), 422, "SIMULATOR_NOT_AVAILABLE");
		problem(postJson("/api/v1/simulator/faults", "{\"kind\":\"XENSTORE_CONFLICTS\",\"count\":1}"), 422,
				"SIMULATOR_NOT_AVAILABLE");
	}

}

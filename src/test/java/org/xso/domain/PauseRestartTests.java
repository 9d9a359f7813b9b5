package org.xso.domain;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.RequestBuilder;
import org.xso.support.Guests;
import org.xso.support.Instance;
import org.xso.support.WorkloadChecks;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * A PAUSED domain across a restart of the service on an H2 file database with the simulator, whose
 * host goes with the process (its live disks stay in files): the guest is created again from its
 * disks and left paused, and runs once it is unpaused.
 */
class PauseRestartTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@TempDir
	Path dir;

	private Instance instance;

	@AfterEach
	void stop() {
		if (instance != null) {
			instance.context().close();
		}
	}

	@Test
	void aPausedDomainStaysPausedAfterARestartWithItsGuestCreatedAgainPaused() throws Exception {
		MockMvc first = start();
		call(first, post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(1)), 201);
		call(first, workload("START"), 200);
		WorkloadChecks.awaitIssued(first, 1, 50);
		call(first, post("/api/v1/domains/1/pause"), 200);
		instance.context().close(); // the simulated host goes with the process

		MockMvc second = start();
		JsonNode domain = call(second, get("/api/v1/domains/1"), 200);
		assertThat(domain.get("state").asString()).isEqualTo("PAUSED");
		assertThat(domain.get("powerState").asString()).as("created again, and paused").isEqualTo("PAUSED");
		assertThat(domain.get("devices").findValuesAsString("frontendState")).containsOnly("Connected");
		call(second, post("/api/v1/domains/1/unpause"), 200);
		// a guest booted again on its disks: its new workload reads back what the first one wrote
		call(second, workload("START"), 200);
		WorkloadChecks.assertNothingLost(second, 1, 50);
	}

	private MockMvc start() {
		Map<String, Object> props = new HashMap<>();
		props.put("spring.datasource.url", "jdbc:h2:file:" + dir.resolve("xso").toAbsolutePath()
				+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;RETENTION_TIME=1000");
		props.put("server.port", "0");
		props.put("xso.hypervisor", "sim");
		props.put("xso.demo.enabled", "false");
		props.put("xso.instance-id", "node-a");
		props.put("xso.sim.snapshot-dir", dir.resolve("disks").toString());
		props.put("xso.operations.shutdown-grace", "PT0S");
		instance = Instance.start(props);
		return instance.mvc();
	}

	private static RequestBuilder workload(String action) {
		return post("/api/v1/domains/1/workload").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"" + action + "\"}");
	}

	private static JsonNode call(MockMvc mvc, RequestBuilder request, int status) throws Exception {
		MvcResult r = mvc.perform(request).andReturn();
		assertThat(r.getResponse().getStatus()).as(r.getResponse().getContentAsString()).isEqualTo(status);
		return JSON.readTree(r.getResponse().getContentAsString());
	}

}

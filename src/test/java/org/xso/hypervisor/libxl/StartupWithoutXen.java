package org.xso.hypervisor.libxl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.xso.hypervisor.Hypervisor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * The service started with {@code xso.hypervisor=libxl} where the adapter cannot connect: it
 * starts, logs one line saying why, reports the hypervisor DOWN with that reason in the health
 * endpoint and answers hypervisor-backed requests with a 503 problem. Subclasses choose the reason.
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class StartupWithoutXen {

	@Autowired
	MockMvc mvc;

	@Autowired
	JsonMapper json;

	@Autowired
	Hypervisor hypervisor;

	/** The reason the operator must read, exactly. */
	protected abstract String expectedReason();

	@Test
	void reportsTheHypervisorDownWithTheReasonInTheHealthEndpoint() throws Exception {
		MvcResult r = mvc.perform(get("/actuator/health")).andReturn();
		assertThat(r.getResponse().getStatus()).isEqualTo(503);
		JsonNode health = json.readTree(r.getResponse().getContentAsString());
		assertThat(health.get("status").asString()).isEqualTo("DOWN");
		JsonNode hv = health.get("components").get("hypervisor");
		assertThat(hv.get("status").asString()).isEqualTo("DOWN");
		assertThat(hv.get("details").get("adapter").asString()).isEqualTo("libxl");
		assertThat(hv.get("details").get("reason").asString()).isEqualTo(expectedReason());
	}

	@Test
	void logsTheReasonOnceAndNoStackTrace(CapturedOutput output) {
		String line = "Hypervisor unavailable: " + expectedReason();
		assertThat(output.getAll().split(java.util.regex.Pattern.quote(line), -1)).hasSizeLessThanOrEqualTo(2);
		assertThat(output.getAll()).doesNotContain("LibxlUnavailableException");
	}

	@Test
	void answersHypervisorCallsWithAServiceUnavailableProblem() throws Exception {
		assertThat(hypervisor.kind()).isEqualTo("libxl");
		MvcResult r = mvc.perform(get("/api/v1/xenstore").param("path", "/local/domain")).andReturn();
		assertThat(r.getResponse().getStatus()).isEqualTo(503);
		assertThat(r.getResponse().getContentType()).startsWith("application/problem+json");
		JsonNode p = json.readTree(r.getResponse().getContentAsString());
		assertThat(p.get("code").asString()).isEqualTo("HYPERVISOR_UNAVAILABLE");
		// the reason names files and libxl's source lines: the health endpoint and the log have it, a client not
		assertThat(p.get("detail").asString()).isEqualTo("the hypervisor is not reachable; the service log says why");
	}

	/** Workloads and faults are the simulator's: with libxl, reachable or not, there are none to ask for. */
	@Test
	void answersSimulatorCallsWithSimulatorNotAvailable() throws Exception {
		MvcResult r = mvc.perform(post("/api/v1/simulator/faults").contentType("application/json")
			.content("{\"kind\":\"XENSTORE_CONFLICTS\",\"count\":1}"))
			.andReturn();
		assertThat(r.getResponse().getStatus()).isEqualTo(422);
		JsonNode p = json.readTree(r.getResponse().getContentAsString());
		assertThat(p.get("code").asString()).isEqualTo("SIMULATOR_NOT_AVAILABLE");
		assertThat(p.get("detail").asString()).isEqualTo("the libxl adapter has no workload or fault controls");
	}

}

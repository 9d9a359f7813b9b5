package org.xso.hypervisor.libxl;

import org.xso.support.AdminByDefault;

import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.xso.support.ContractValidation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * The whole service with {@code xso.hypervisor=libxl}, through the shim and the stand-in: the same
 * API adopts the host's guest, checkpoints it live, suspends it and resumes it, every response
 * checked against openapi.yaml.
 */
@Tag("libxl")
@SpringBootTest(properties = { "xso.hypervisor=libxl", "xso.libxl.library=${xso.libxl.test.standin}",
		"xso.demo.enabled=false", "xso.instance-id=libxl-service", "xso.libxl.state-dir=target/libxl-service-state",
		"spring.datasource.url=jdbc:h2:mem:xso-libxl-service;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1" })
@AutoConfigureMockMvc
@Import({ ContractValidation.class, AdminByDefault.class })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LibxlServiceTest {

	@org.springframework.test.context.DynamicPropertySource
	static void standInHost(org.springframework.test.context.DynamicPropertyRegistry registry) {
		registry.add("xso.libxl.class-net", () -> StandIn.classNet().toAbsolutePath().toString());
	}

	private static final String QUIESCE = "{\"strategy\":\"SHADOW_REPLAY\",\"quiesceTimeoutMs\":2000,\"deadlineMs\":10000}";

	@Autowired
	MockMvc mvc;

	@Autowired
	JsonMapper json;

	/** The host runs guest 5 before the service starts, as xl create left it. */
	@BeforeAll
	static void hostRunsAGuest() {
		StandIn.load();
		try (XsHandle xs = XsHandle.open()) {
			xs.write("/standin/reset", "1");
			StandIn.domain(xs, 5, "web-5", 262144, 2);
			StandIn.vbd(xs, 5, "xvda", 51712, 65536);
			StandIn.vif(xs, 5, 0, "00:16:3e:00:00:05");
		}
	}

	@Test
	@Order(1)
	void adoptsCheckpointsSuspendsAndResumesTheHostsGuest() throws Exception {
		JsonNode domain = call(get("/api/v1/domains/5"), 200);
		assertThat(domain.get("state").asString()).isEqualTo("RUNNING");

		JsonNode live = awaitOperation(id(call(post("/api/v1/domains/5/checkpoints")
			.contentType(MediaType.APPLICATION_JSON)
			.content(QUIESCE), 202)));
		assertThat(live.get("state").asString()).as(live.toString()).isEqualTo("SUCCEEDED");
		JsonNode checkpoint = call(get("/api/v1/checkpoints/" + live.get("checkpointId").asString()), 200);
		assertThat(checkpoint.get("adapter").asString()).isEqualTo("libxl");
		for (JsonNode device : checkpoint.get("devices")) {
			assertThat(device.get("rings")).isEmpty();
			assertThat(device.get("parts").get("rings").asString()).isEqualTo("HELD_IN_SAVE_IMAGE");
			assertThat(device.get("parts").get("driverState").asString()).isEqualTo("HELD_IN_SAVE_IMAGE");
		}
		assertThat(call(get("/api/v1/domains/5"), 200).get("state").asString()).isEqualTo("RUNNING");

		JsonNode suspended = awaitOperation(id(call(post("/api/v1/domains/5/suspend")
			.contentType(MediaType.APPLICATION_JSON)
			.content(QUIESCE), 202)));
		assertThat(suspended.get("state").asString()).as(suspended.toString()).isEqualTo("SUCCEEDED");
		assertThat(call(get("/api/v1/domains/5"), 200).get("state").asString()).isEqualTo("SUSPENDED");

		JsonNode resumed = awaitOperation(id(call(post("/api/v1/domains/5/resume"), 202)));
		assertThat(resumed.get("state").asString()).as(resumed.toString()).isEqualTo("SUCCEEDED");
		assertThat(resumed.get("phases").findValuesAsString("name")).containsExactly("VERIFY_CHECKPOINT", "RESTORE",
				"REGRANT", "RECONNECT", "REPLAY", "VERIFY");
		JsonNode running = call(get("/api/v1/domains/5"), 200);
		assertThat(running.get("state").asString()).isEqualTo("RUNNING");
	}

	/** A guest xl created while the service runs is adopted when xenstored introduces it and it runs. */
	@Test
	@Order(2)
	void adoptsAGuestTheHostStartsWhileTheServiceRuns() throws Exception {
		call(get("/api/v1/domains/7"), 404);
		try (XsHandle xs = XsHandle.open()) {
			// as xl create does: the devices first, the domain runs after (the stand-in's are not paused)
			StandIn.vbd(xs, 7, "xvda", 51712, 65536);
			StandIn.vif(xs, 7, 0, "00:16:3e:00:00:07");
			StandIn.domain(xs, 7, "web-7", 262144, 1);
		}
		JsonNode[] adopted = new JsonNode[1];
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
			MvcResult r = mvc.perform(get("/api/v1/domains/7")).andReturn();
			adopted[0] = r.getResponse().getStatus() == 200 ? json.readTree(r.getResponse().getContentAsString()) : null;
			return adopted[0] != null;
		});
		assertThat(adopted[0].get("name").asString()).isEqualTo("web-7");
		assertThat(adopted[0].get("state").asString()).isEqualTo("RUNNING");
		assertThat(adopted[0].get("devices").valueStream().map(d -> d.get("type").asString()))
			.containsExactly("vbd", "vif");
	}

	/**
	 * xenstored killed and started again without a live update: the adapter reconnects by itself and
	 * the guest the new xenstored knows nothing of is FAULTED, saying why; a suspend of it is refused
	 * with that state instead of timing out in the guest.
	 */
	@Test
	@Order(3) // last: every guest the host ran before is then unmanageable
	void aGuestThatXenstoredForgotIsFaultedSayingWhy() throws Exception {
		try (XsHandle xs = XsHandle.open()) {
			StandIn.vbd(xs, 9, "xvda", 51712, 65536);
			StandIn.domain(xs, 9, "web-9", 262144, 1);
		}
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
			.until(() -> mvc.perform(get("/api/v1/domains/9")).andReturn().getResponse().getStatus() == 200);
		try (XsHandle xs = XsHandle.open()) {
			xs.write("/standin/xenstored-stop", "1");
		}
		try (XsHandle control = XsHandle.open(1 << 30)) {
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
				.ignoreExceptions()
				.until(() -> call(get("/actuator/health"), 503).at("/components/hypervisor/details/reason")
					.asString()
					.startsWith("xenstored stopped answering"));
			control.write("/standin/xenstored-start", "1");
		}
		JsonNode[] domain = new JsonNode[1];
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
			domain[0] = call(get("/api/v1/domains/9"), 200);
			return domain[0].get("state").asString().equals("FAULTED");
		});
		assertThat(domain[0].get("stateReason").asString()).startsWith("xenstored has no record of dom9 (it was restarted");
		assertThat(domain[0].get("powerState").asString()).isEqualTo("RUNNING");
		JsonNode refused = call(post("/api/v1/domains/9/suspend").contentType(MediaType.APPLICATION_JSON).content(QUIESCE),
				409);
		assertThat(refused.get("code").asString()).isEqualTo("BAD_POWER_STATE");
		assertThat(refused.get("detail").asString()).contains("FAULTED");
		call(get("/actuator/health"), 200);
	}

	private JsonNode call(org.springframework.test.web.servlet.RequestBuilder request, int status) throws Exception {
		MvcResult r = mvc.perform(request).andReturn();
		assertThat(r.getResponse().getStatus())
			.as("%s -> %s", r.getRequest().getRequestURI(), r.getResponse().getContentAsString())
			.isEqualTo(status);
		return json.readTree(r.getResponse().getContentAsString());
	}

	private JsonNode awaitOperation(String id) {
		JsonNode[] last = new JsonNode[1];
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
			last[0] = call(get("/api/v1/operations/" + id), 200);
			return last[0].get("state").asString().matches("SUCCEEDED|FAILED|ROLLED_BACK|RESUME_FAILED|CANCELLED");
		});
		return last[0];
	}

	private static String id(JsonNode node) {
		return node.get("id").asString();
	}

}

package org.xso.domain;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.RequestBuilder;
import org.xso.support.AdminByDefault;
import org.xso.support.ContractValidation;
import org.xso.support.Guests;
import org.xso.support.WorkloadChecks;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * Pause and unpause against the simulator adapter with the guest's workload running, through HTTP:
 * a paused guest issues and completes nothing while the host goes on (another guest's I/O is the
 * clock), runs on when unpaused, and after a suspend and a resume has lost and duplicated nothing;
 * a resume or restore asked to leave the guest paused ends with it so.
 */
@SpringBootTest(properties = { "xso.hypervisor=sim", "xso.demo.enabled=false", "xso.instance-id=sim-pause",
		"spring.datasource.url=jdbc:h2:mem:xso-sim-pause;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1" })
@AutoConfigureMockMvc
@Import({ ContractValidation.class, AdminByDefault.class })
class PauseSimulatorTests {

	private static final int PAUSED = 41;

	/** A guest that keeps running: its completions show that time passes and the host does I/O. */
	private static final int CLOCK = 42;

	@Autowired
	MockMvc mvc;

	@Autowired
	JsonMapper json;

	@Test
	void aPausedGuestIssuesNothingUntilItIsUnpausedAndLosesNothing() throws Exception {
		for (int domid : new int[] { PAUSED, CLOCK }) {
			call(post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(domid)), 201);
			call(workload(domid, "START"), 200);
		}
		WorkloadChecks.awaitIssued(mvc, PAUSED, 50);

		JsonNode paused = call(post("/api/v1/domains/" + PAUSED + "/pause"), 200);
		assertThat(paused.get("state").asString()).isEqualTo("PAUSED");
		assertThat(paused.get("powerState").asString()).isEqualTo("PAUSED");
		assertThat(paused.get("devices")).allSatisfy(d -> assertThat(d.get("connected").asBoolean()).isTrue());
		JsonNode atPause = stats(PAUSED);
		// the window: the running guest completes another 200 requests; one that ran would issue too
		long clock = stats(CLOCK).get("completed").asLong();
		await().atMost(Duration.ofSeconds(60)).until(() -> stats(CLOCK).get("completed").asLong() >= clock + 200);
		JsonNode later = stats(PAUSED);
		assertThat(later.get("issued").asLong()).as("issued while paused").isEqualTo(atPause.get("issued").asLong());
		assertThat(later.get("completed").asLong()).as("a paused guest runs no code")
			.isEqualTo(atPause.get("completed").asLong());
		assertThat(call(get("/api/v1/domains/" + PAUSED), 200).get("devices").findValuesAsString("frontendState"))
			.containsOnly("Connected");

		JsonNode unpaused = call(post("/api/v1/domains/" + PAUSED + "/unpause"), 200);
		assertThat(unpaused.get("state").asString()).isEqualTo("RUNNING");
		assertThat(unpaused.get("powerState").asString()).isEqualTo("RUNNING");
		long issued = WorkloadChecks.awaitIssued(mvc, PAUSED, later.get("issued").asLong() + 50);

		JsonNode suspended = call(post("/api/v1/domains/" + PAUSED + "/suspend").header("Prefer", "wait=30")
			.contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SHADOW_REPLAY), 200);
		assertThat(suspended.get("state").asString()).as(suspended.toString()).isEqualTo("SUCCEEDED");
		JsonNode resumed = call(post("/api/v1/domains/" + PAUSED + "/resume").header("Prefer", "wait=30"), 200);
		assertThat(resumed.get("state").asString()).as(resumed.toString()).isEqualTo("SUCCEEDED");
		WorkloadChecks.assertNothingLost(mvc, PAUSED, issued + 50);
		WorkloadChecks.assertNothingLost(mvc, CLOCK, 0);
	}

	@Test
	void aPausedGuestIsNotSuspendedAndItsDisksAreReadBackOnlyOnceItRuns() throws Exception {
		int domid = 43;
		call(post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(domid)), 201);
		call(workload(domid, "START"), 200);
		WorkloadChecks.awaitIssued(mvc, domid, 20);
		call(post("/api/v1/domains/" + domid + "/pause"), 200);
		problem(post("/api/v1/domains/" + domid + "/suspend").contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SUSPEND_RESUME), 409, "BAD_POWER_STATE");
		problem(post("/api/v1/domains/" + domid + "/workload/verify"), 409, "BAD_POWER_STATE");
		call(post("/api/v1/domains/" + domid + "/unpause"), 200);
		WorkloadChecks.assertNothingLost(mvc, domid, 20);
	}

	@Test
	void aResumeOrRestoreAskedToLeaveTheGuestPausedEndsWithItPausedConnectedAndComplete() throws Exception {
		int domid = 44;
		int clockGuest = 46;
		for (int d : new int[] { domid, clockGuest }) {
			call(post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(d)), 201);
			call(workload(d, "START"), 200);
		}
		WorkloadChecks.awaitIssued(mvc, domid, 50);
		JsonNode suspended = call(post("/api/v1/domains/" + domid + "/suspend").header("Prefer", "wait=30")
			.contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SHADOW_REPLAY), 200);
		assertThat(suspended.get("state").asString()).as(suspended.toString()).isEqualTo("SUCCEEDED");

		JsonNode resumed = call(post("/api/v1/domains/" + domid + "/resume").header("Prefer", "wait=30")
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"paused\": true}"), 200);
		assertThat(resumed.get("state").asString()).as(resumed.toString()).isEqualTo("SUCCEEDED");
		// back, devices connected, what was in flight replayed, every ref new: and paused
		assertThat(resumed.get("devices")).allSatisfy(d -> assertThat(d.get("allRefsNew").asBoolean()).isTrue());
		JsonNode domain = call(get("/api/v1/domains/" + domid), 200);
		assertThat(domain.get("state").asString()).isEqualTo("PAUSED");
		assertThat(domain.get("powerState").asString()).isEqualTo("PAUSED");
		assertThat(domain.get("devices")).allSatisfy(d -> assertThat(d.get("connected").asBoolean()).isTrue());
		JsonNode atResume = stats(domid);
		long clock = stats(clockGuest).get("completed").asLong();
		await().atMost(Duration.ofSeconds(60)).until(() -> stats(clockGuest).get("completed").asLong() >= clock + 200);
		assertThat(stats(domid).get("issued").asLong()).as("issued while left paused")
			.isEqualTo(atResume.get("issued").asLong());
		call(post("/api/v1/domains/" + domid + "/unpause"), 200);
		WorkloadChecks.assertNothingLost(mvc, domid, atResume.get("issued").asLong() + 50);

		// suspended again, its checkpoint restored into a new domain (no running guest has its name), left paused too
		JsonNode again = call(post("/api/v1/domains/" + domid + "/suspend").header("Prefer", "wait=30")
			.contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SHADOW_REPLAY), 200);
		assertThat(again.get("state").asString()).as(again.toString()).isEqualTo("SUCCEEDED");
		JsonNode restored = call(post("/api/v1/checkpoints/" + again.get("checkpointId").asString() + "/restore")
			.header("Prefer", "wait=30")
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"targetDomid\": 45, \"paused\": true}"), 200);
		assertThat(restored.get("state").asString()).as(restored.toString()).isEqualTo("SUCCEEDED");
		assertThat(call(get("/api/v1/domains/45"), 200).get("state").asString()).isEqualTo("PAUSED");
		call(post("/api/v1/domains/45/unpause"), 200);
		assertThat(call(get("/api/v1/domains/45"), 200).get("powerState").asString()).isEqualTo("RUNNING");
	}

	private static RequestBuilder workload(int domid, String action) {
		return post("/api/v1/domains/" + domid + "/workload").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"" + action + "\"}");
	}

	private JsonNode stats(int domid) throws Exception {
		return call(get("/api/v1/domains/" + domid + "/devices/vbd/51712/stats"), 200);
	}

	private JsonNode call(RequestBuilder request, int status) throws Exception {
		MvcResult r = mvc.perform(request).andReturn();
		assertThat(r.getResponse().getStatus()).as(r.getResponse().getContentAsString()).isEqualTo(status);
		return json.readTree(r.getResponse().getContentAsString());
	}

	private void problem(RequestBuilder request, int status, String code) throws Exception {
		assertThat(call(request, status).get("code").asString()).isEqualTo(code);
	}

}

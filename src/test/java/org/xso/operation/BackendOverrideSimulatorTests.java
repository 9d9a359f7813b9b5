package org.xso.operation;

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
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * Backend overrides through HTTP against the simulator, a host with a second bridge and a driver
 * domain: a guest suspended with its devices in dom0 comes back with its vif in the driver domain
 * on the other bridge and its disk on a named volume, loses nothing, and keeps that config; what
 * the guest or the host does not have is refused before anything is done; a volume another guest
 * holds is refused by the host before the restore touches anything.
 */
@SpringBootTest(properties = { "xso.hypervisor=sim", "xso.demo.enabled=false", "xso.instance-id=sim-overrides",
		"xso.sim.bridges=xenbr0,xenbr1", "xso.sim.driver-domains=netdd",
		"spring.datasource.url=jdbc:h2:mem:xso-sim-overrides;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1" })
@AutoConfigureMockMvc
@Import({ ContractValidation.class, AdminByDefault.class })
class BackendOverrideSimulatorTests {

	/** The simulator's first driver domain: the highest guest domid. */
	private static final int NETDD = 32751;

	@Autowired
	MockMvc mvc;

	@Autowired
	JsonMapper json;

	@Test
	void theHostListsItsBackendDomainsAndBridges() throws Exception {
		JsonNode hosts = call(get("/api/v1/hosts"), 200).get("items");
		JsonNode backends = hosts.get(0).get("backends");
		assertThat(backends.findValuesAsString("name")).hasSize(2);
		assertThat(backends.get(0).get("domid").asInt()).isZero();
		assertThat(backends.get(1).get("domid").asInt()).isEqualTo(NETDD);
		assertThat(backends.get(1).get("name").asString()).isEqualTo("netdd");
		for (JsonNode b : backends) {
			assertThat(b.get("bridges").valueStream().map(JsonNode::asString)).containsExactly("xenbr0", "xenbr1");
		}
	}

	@Test
	void aResumeBringsTheDevicesBackWhereTheOverridesSayAndTheyStayThere() throws Exception {
		int domid = 61;
		start(domid);
		long issued = WorkloadChecks.awaitIssued(mvc, domid, 50);
		suspend(domid);

		JsonNode resumed = call(post("/api/v1/domains/" + domid + "/resume").header("Prefer", "wait=30")
			.contentType(MediaType.APPLICATION_JSON)
			.content("""
					{"devices": [{"type": "vbd", "devid": 51712, "target": "vol-guest-61"},
					             {"type": "vif", "devid": 0, "backendDomid": %d, "bridge": "xenbr1"}]}
					""".formatted(NETDD)), 200);
		assertThat(resumed.get("state").asString()).as(resumed.toString()).isEqualTo("SUCCEEDED");
		assertThat(resumed.get("devices")).allSatisfy(d -> assertThat(d.get("allRefsNew").asBoolean()).isTrue());
		assertServedAsOverridden(domid);
		WorkloadChecks.assertNothingLost(mvc, domid, issued + 50);

		// suspended and resumed again without overrides: the guest's config is where the last resume put it
		suspend(domid);
		JsonNode again = call(post("/api/v1/domains/" + domid + "/resume").header("Prefer", "wait=30"), 200);
		assertThat(again.get("state").asString()).as(again.toString()).isEqualTo("SUCCEEDED");
		assertServedAsOverridden(domid);
		WorkloadChecks.assertNothingLost(mvc, domid, issued + 100);
	}

	@Test
	void whatTheGuestOrTheHostDoesNotHaveIsRefusedBeforeAnythingIsDone() throws Exception {
		int domid = 62;
		start(domid);
		WorkloadChecks.awaitIssued(mvc, domid, 20);
		suspend(domid);

		refused(resume(domid, "[{\"type\": \"vif\", \"devid\": 0, \"bridge\": \"xenbr9\"}]"), 422,
				"BACKEND_NOT_ON_HOST", "/devices/0/bridge");
		refused(resume(domid, "[{\"type\": \"vif\", \"devid\": 0, \"backendDomid\": 7}]"), 422,
				"BACKEND_NOT_ON_HOST", "/devices/0/backendDomid");
		refused(resume(domid, "[{\"type\": \"vif\", \"devid\": 3, \"bridge\": \"xenbr1\"}]"), 400,
				"VALIDATION_FAILED", "/devices/0");
		refused(resume(domid, "[{\"type\": \"vbd\", \"devid\": 51712, \"bridge\": \"xenbr1\"}]"), 400,
				"VALIDATION_FAILED", "/devices/0/bridge");
		refused(resume(domid, "[{\"type\": \"vbd\", \"devid\": 51712, \"target\": \"../escape\"}]"), 400,
				"VALIDATION_FAILED", "/devices/0/target");
		refused(resume(domid, "[{\"type\": \"vif\", \"devid\": 0, \"bridge\": \"xenbr1\"},"
				+ " {\"type\": \"vif\", \"devid\": 0, \"backendDomid\": 0}]"), 400, "VALIDATION_FAILED", "/devices/1");

		// nothing was done: still suspended, and a plain resume brings it back where it was
		assertThat(call(get("/api/v1/domains/" + domid), 200).get("state").asString()).isEqualTo("SUSPENDED");
		JsonNode resumed = call(post("/api/v1/domains/" + domid + "/resume").header("Prefer", "wait=30"), 200);
		assertThat(resumed.get("state").asString()).as(resumed.toString()).isEqualTo("SUCCEEDED");
		JsonNode vif = device(call(get("/api/v1/domains/" + domid), 200), "vif");
		assertThat(vif.get("backendDomid").asInt()).isZero();
		assertThat(vif.get("config").get("bridge").asString()).isEqualTo("xenbr0");
		WorkloadChecks.assertNothingLost(mvc, domid, 20);
	}

	@Test
	void aRestoreOntoAVolumeAnotherGuestHoldsIsRefusedByTheHostAndTouchesNothing() throws Exception {
		int holder = 63;
		int saved = 64;
		call(post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(guestOnVolume(holder, "vol-shared")),
				201);
		start(saved);
		WorkloadChecks.awaitIssued(mvc, saved, 20);
		// suspended: no running guest has its name, so its checkpoint can be restored into new domains
		String checkpoint = suspend(saved);

		JsonNode restore = call(post("/api/v1/checkpoints/" + checkpoint + "/restore").header("Prefer", "wait=30")
			.contentType(MediaType.APPLICATION_JSON)
			.content("""
					{"targetDomid": 65, "devices": [{"type": "vbd", "devid": 51712, "target": "vol-shared"},
					                                {"type": "vif", "devid": 0, "bridge": "xenbr1"}]}
					"""), 200);
		assertThat(restore.get("state").asString()).as(restore.toString()).isEqualTo("RESUME_FAILED");
		assertThat(restore.get("error").get("code").asString()).isEqualTo("CHECKPOINT_NOT_RESUMABLE");
		assertThat(restore.get("error").get("reasons").valueStream().map(JsonNode::asString))
			.containsExactly("vbd/51712: its disk target is held by another device on this host");
		assertThat(mvc.perform(get("/api/v1/domains/65")).andReturn().getResponse().getStatus()).isEqualTo(404);
		assertThat(call(get("/api/v1/domains/" + holder), 200).get("powerState").asString()).isEqualTo("RUNNING");

		// the same restore onto a volume of its own runs, in the driver domain
		JsonNode own = call(post("/api/v1/checkpoints/" + checkpoint + "/restore").header("Prefer", "wait=30")
			.contentType(MediaType.APPLICATION_JSON)
			.content("""
					{"targetDomid": 66, "devices": [{"type": "vbd", "devid": 51712, "backendDomid": %d, "target": "vol-66"}]}
					""".formatted(NETDD)), 200);
		assertThat(own.get("state").asString()).as(own.toString()).isEqualTo("SUCCEEDED");
		assertThat(own.get("backendOverrides").get(0).get("target").asString()).isEqualTo("vol-66");
		JsonNode vbd = device(call(get("/api/v1/domains/66"), 200), "vbd");
		assertThat(vbd.get("backendDomid").asInt()).isEqualTo(NETDD);
		assertThat(vbd.get("config").get("target").asString()).isEqualTo("vol-66");
		assertThat(vbd.get("connected").asBoolean()).isTrue();
		assertThat(xenstore("/local/domain/" + NETDD + "/backend/vbd/66/51712/params")).contains("vol-66");
		// the restored copy goes on with the workload it was saved with, on its new volume, losing nothing
		WorkloadChecks.assertNothingLost(mvc, 66, 20);
	}

	private void assertServedAsOverridden(int domid) throws Exception {
		JsonNode domain = call(get("/api/v1/domains/" + domid), 200);
		JsonNode vif = device(domain, "vif");
		assertThat(vif.get("backendDomid").asInt()).isEqualTo(NETDD);
		assertThat(vif.get("config").get("bridge").asString()).isEqualTo("xenbr1");
		assertThat(vif.get("connected").asBoolean()).isTrue();
		JsonNode vbd = device(domain, "vbd");
		assertThat(vbd.get("backendDomid").asInt()).isZero();
		assertThat(vbd.get("config").get("target").asString()).isEqualTo("vol-guest-61");
		assertThat(xenstore("/local/domain/" + NETDD + "/backend/vif/" + domid + "/0/bridge")).isEqualTo("xenbr1");
		assertThat(xenstore("/local/domain/" + domid + "/device/vif/0/backend-id")).isEqualTo(String.valueOf(NETDD));
		assertThat(xenstore("/local/domain/0/backend/vbd/" + domid + "/51712/params")).contains("vol-guest-61");
	}

	private void start(int domid) throws Exception {
		call(post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(domid)), 201);
		call(post("/api/v1/domains/" + domid + "/workload").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"START\"}"), 200);
	}

	/** Suspends the guest; returns the checkpoint it was saved to. */
	private String suspend(int domid) throws Exception {
		JsonNode suspended = call(post("/api/v1/domains/" + domid + "/suspend").header("Prefer", "wait=30")
			.contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SHADOW_REPLAY), 200);
		assertThat(suspended.get("state").asString()).as(suspended.toString()).isEqualTo("SUCCEEDED");
		return suspended.get("checkpointId").asString();
	}

	private static RequestBuilder resume(int domid, String devices) {
		return post("/api/v1/domains/" + domid + "/resume").contentType(MediaType.APPLICATION_JSON)
			.content("{\"devices\": " + devices + "}");
	}

	private static String guestOnVolume(int domid, String volume) {
		return """
				{"domid": %d, "name": "guest-%d", "memoryMiB": 256, "vcpus": 1, "devices": [
				  {"type": "vbd", "devid": 51712, "sectors": 65536, "target": "%s"}]}
				""".formatted(domid, domid, volume);
	}

	/** The value of the xenstore node at {@code path}. */
	private String xenstore(String path) throws Exception {
		for (JsonNode n : call(get("/api/v1/xenstore").param("path", path), 200).get("items")) {
			if (n.get("path").asString().equals(path)) {
				return n.get("value").asString();
			}
		}
		throw new AssertionError("no xenstore node " + path);
	}

	private static JsonNode device(JsonNode domain, String type) {
		for (JsonNode d : domain.get("devices")) {
			if (d.get("type").asString().equals(type)) {
				return d;
			}
		}
		throw new AssertionError("no " + type + " in " + domain);
	}

	private void refused(RequestBuilder request, int status, String code, String field) throws Exception {
		JsonNode problem = call(request, status);
		assertThat(problem.get("code").asString()).as(problem.toString()).isEqualTo(code);
		assertThat(problem.get("errors").findValuesAsString("name")).as(problem.toString()).contains(field);
	}

	private JsonNode call(RequestBuilder request, int status) throws Exception {
		MvcResult r = mvc.perform(request).andReturn();
		assertThat(r.getResponse().getStatus()).as(r.getResponse().getContentAsString()).isEqualTo(status);
		return json.readTree(r.getResponse().getContentAsString());
	}

}

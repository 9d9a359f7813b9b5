package org.xso.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.RequestBuilder;
import org.xso.hypervisor.Hypervisor;
import org.xso.support.Guests;
import org.xso.support.Instance;
import org.xso.support.PostgresDatabase;
import org.xso.support.WorkloadChecks;
import org.xso.xen.DomId;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two instances, each serving its own simulated host, on one PostgreSQL: every request may go to
 * either, and what calls a guest's hypervisor runs on the instance of the guest's host.
 */
class FleetPostgresTests {

	private final JsonMapper json = JsonMapper.builder().build();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private Map<String, String> db;

	@TempDir
	Path disks;

	@BeforeEach
	void database() {
		db = PostgresDatabase.properties("fleet");
	}

	@AfterEach
	void stop() {
		contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void everyInstanceRegistersItsHostAndSeesTheOthers() throws Exception {
		MockMvc a = start("host-a");
		MockMvc b = start("host-b");

		JsonNode hosts = call(b, get("/api/v1/hosts"), 200);
		assertThat(hosts.get("totalItems").asLong()).isEqualTo(2);
		JsonNode ha = hosts.get("items").get(0);
		assertThat(ha.get("name").asString()).isEqualTo("host-a");
		assertThat(ha.get("state").asString()).isEqualTo("UP");
		assertThat(ha.get("adapter").asString()).isEqualTo("sim");
		assertThat(ha.get("hypervisorVersion").asString()).isEqualTo("simulated Xen 4.17");
		assertThat(ha.get("instanceId").asString()).isEqualTo("xso-host-a");
		assertThat(ha.get("local").asBoolean()).isFalse();
		assertThat(hosts.get("items").get(1).get("local").asBoolean()).isTrue();
		assertThat(call(a, get("/api/v1/hosts/host-a"), 200).get("local").asBoolean()).isTrue();
		assertThat(call(a, get("/api/v1/hosts/host-z"), 404).get("code").asString()).isEqualTo("HOST_NOT_FOUND");
	}

	@Test
	void anOperationAcceptedByEitherInstanceRunsOnTheGuestsHostAndLosesNothing() throws Exception {
		MockMvc a = start("host-a");
		call(a, post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(1)), 201);
		MockMvc b = start("host-b");
		// host-b's instance started after the guest existed: it neither re-created nor adopted it
		assertThat(hypervisor(1).guests()).isEmpty();
		call(a, post("/api/v1/domains/1/workload").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"START\"}"), 200);
		long issued = WorkloadChecks.awaitIssued(a, 1, 50);

		JsonNode suspend = call(b, post("/api/v1/domains/1/suspend").header("Prefer", "wait=30")
			.contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SHADOW_REPLAY), 200);
		assertThat(suspend.get("state").asString()).as(suspend.toString()).isEqualTo("SUCCEEDED");
		assertThat(suspend.get("host").asString()).isEqualTo("host-a");
		assertThat(suspend.get("owner").asString()).isEqualTo("xso-host-a");
		JsonNode onB = call(b, get("/api/v1/domains/1"), 200);
		assertThat(onB.get("state").asString()).isEqualTo("SUSPENDED");
		assertThat(onB.get("host").asString()).isEqualTo("host-a");
		assertThat(onB.get("powerState").asString()).isEqualTo("UNKNOWN");
		assertThat(call(b, get("/api/v1/domains?host=host-a&state=SUSPENDED"), 200).get("totalItems").asLong()).isEqualTo(1);
		assertThat(call(b, get("/api/v1/domains?host=host-b"), 200).get("totalItems").asLong()).isZero();
		assertThat(call(a, get("/api/v1/domains/1"), 200).get("powerState").asString()).isEqualTo("ABSENT");
		assertThat(call(b, get("/api/v1/checkpoints/" + suspend.get("checkpointId").asString()), 200))
			.isNotNull();

		JsonNode checkOnB = call(b, get("/api/v1/domains/1/resume-check"), 200);
		assertThat(checkOnB.get("resumable").asBoolean()).as(checkOnB.toString()).isTrue();
		assertThat(checkOnB.get("host").asString()).isEqualTo("host-a");
		assertThat(checkOnB.get("hostChecked").asBoolean()).isFalse();
		assertThat(call(a, get("/api/v1/domains/1/resume-check"), 200).get("hostChecked").asBoolean()).isTrue();

		JsonNode resume = call(b, post("/api/v1/domains/1/resume").header("Prefer", "wait=30"), 200);
		assertThat(resume.get("state").asString()).as(resume.toString()).isEqualTo("SUCCEEDED");
		assertThat(resume.get("owner").asString()).isEqualTo("xso-host-a");
		assertThat(hypervisor(0).guest(DomId.guest(1))).isPresent();
		assertThat(hypervisor(1).guests()).isEmpty();

		// what calls the guest's hypervisor synchronously is done by its host's instance
		JsonNode elsewhere = call(b, post("/api/v1/domains/1/workload").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"STOP\"}"), 409);
		assertThat(elsewhere.get("code").asString()).isEqualTo("DOMAIN_ON_OTHER_HOST");
		assertThat(elsewhere.get("detail").asString()).contains("host host-a");

		WorkloadChecks.assertNothingLost(a, 1, issued + 50);
	}

	/**
	 * A schedule reads its row for a cancel recorded elsewhere about once a second, not at every
	 * epoch: a cancel asked of the other instance still ends it, with what it stored kept.
	 */
	@Test
	void aPeriodicScheduleCancelledThroughAnotherInstanceEnds() throws Exception {
		MockMvc a = start("host-a");
		call(a, post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(1)), 201);
		MockMvc b = start("host-b");
		String id = call(a, post("/api/v1/domains/1/periodic-checkpoints").contentType(MediaType.APPLICATION_JSON)
			.content("{\"strategy\":\"SHADOW_REPLAY\",\"intervalMs\":10}"), 202).get("id").asString();
		await().atMost(Duration.ofSeconds(60))
			.until(() -> call(b, get("/api/v1/operations/" + id), 200).get("periodic").get("epochsCompleted").asInt() >= 2);
		JsonNode asked = call(b, post("/api/v1/operations/" + id + "/cancel"), 202);
		assertThat(asked.get("cancelRequested").asBoolean()).isTrue();
		JsonNode op = awaitEnd(b, id);
		assertThat(op.get("state").asString()).as(op.toString()).isEqualTo("CANCELLED");
		assertThat(op.get("cancelRequestedBy").asString()).isNotBlank();
		int epochs = op.get("periodic").get("epochsCompleted").asInt();
		// the default retention (5) and the chains they build on
		assertThat(call(a, get("/api/v1/domains/1/checkpoints"), 200).get("totalItems").asInt())
			.isGreaterThanOrEqualTo(Math.min(epochs, 5));
		assertThat(call(a, get("/api/v1/domains/1"), 200).get("powerState").asString()).isEqualTo("RUNNING");
	}

	@Test
	void anOperationWithoutPreferWaitIsClaimedByTheHostsInstanceWhenNotified() throws Exception {
		// the sweep that would also find it runs once a minute here: what starts sooner was notified
		MockMvc a = start("host-a", "xso-host-a", Map.of("xso.operations.recovery-interval", "PT60S"));
		MockMvc b = start("host-b", "xso-host-b", Map.of("xso.operations.recovery-interval", "PT60S"));
		call(a, post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(1)), 201);
		for (int i = 0; i < 5; i++) {
			JsonNode accepted = call(b, post("/api/v1/domains/1/checkpoints").contentType(MediaType.APPLICATION_JSON)
				.content(Guests.SUSPEND_RESUME), 202);
			assertThat(accepted.get("state").asString()).isEqualTo("PENDING");
			assertThat(accepted.get("owner").asString()).isEqualTo("xso-host-a");
			JsonNode done = awaitEnd(b, accepted.get("id").asString());
			assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
			Duration queued = Duration.between(Instant.parse(done.get("createdAt").asString()),
					Instant.parse(done.get("startedAt").asString()));
			assertThat(queued).as("woken by its notification, not found by the sweep").isLessThan(Duration.ofSeconds(50));
		}
	}

	@Test
	void aClientFollowingTheEventsOfEitherInstanceSeesTheOthersLive() throws Exception {
		MockMvc a = start("host-a");
		MockMvc b = start("host-b");
		// the stream asks host-b's instance; the guest and its operation are host-a's
		MvcResult stream = b.perform(get("/api/v1/events?domid=1")).andReturn();
		assertThat(stream.getRequest().isAsyncStarted()).isTrue();
		call(a, post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(1)), 201);
		JsonNode live = call(a, post("/api/v1/domains/1/checkpoints").header("Prefer", "wait=30")
			.contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SUSPEND_RESUME), 200);
		await().atMost(Duration.ofSeconds(60)).until(() -> stream.getResponse().getContentAsString()
			.contains("event:domain.created") && stream.getResponse().getContentAsString()
				.contains(live.get("id").asString()));
	}

	@Test
	void anInstanceThatTakesAHostOverLeavesNoGuestRunningTwice() throws Exception {
		MockMvc first = start("host-a");
		call(first, post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(1)), 201);
		assertThat(hypervisor(0).guest(DomId.guest(1))).isPresent();

		// a second instance given the same host (a rolling update): it serves the host from now on
		MockMvc second = start("host-a", "xso-host-a-2");
		assertThat(hypervisor(1).guest(DomId.guest(1))).as("re-created by the instance that serves the host").isPresent();
		await().atMost(Duration.ofSeconds(60)).until(() -> hypervisor(0).guests().isEmpty());
		assertThat(call(first, get("/api/v1/hosts/host-a"), 200).get("instanceId").asString()).isEqualTo("xso-host-a-2");
		JsonNode live = call(first, post("/api/v1/domains/1/checkpoints").header("Prefer", "wait=30")
			.contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SUSPEND_RESUME), 200);
		assertThat(live.get("state").asString()).as(live.toString()).isEqualTo("SUCCEEDED");
		assertThat(live.get("owner").asString()).isEqualTo("xso-host-a-2");
		assertThat(call(second, get("/api/v1/domains/1"), 200).get("powerState").asString()).isEqualTo("RUNNING");
		assertThat(hypervisor(0).guests()).isEmpty();
	}

	@Test
	void anOperationWhoseHostsInstanceStopsMidQuiesceEndsNamedAndTheGuestRunsAtMostOnce() throws Exception {
		MockMvc a = start("host-a");
		MockMvc b = start("host-b");
		call(a, post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(1)), 201);
		call(a, post("/api/v1/domains/1/workload").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"START\"}"), 200);
		WorkloadChecks.awaitIssued(a, 1, 50);
		// every block request now takes 2 s at the backend: a SUSPEND_RESUME quiesce waits for them
		call(a, post("/api/v1/simulator/faults").contentType(MediaType.APPLICATION_JSON)
			.content("{\"kind\":\"BACKEND_LATENCY\",\"domid\":1,\"deviceType\":\"vbd\",\"devid\":51712,"
					+ "\"latencyMs\":2000}"), 204);
		JsonNode accepted = call(b, post("/api/v1/domains/1/suspend").contentType(MediaType.APPLICATION_JSON)
			.content("{\"strategy\":\"SUSPEND_RESUME\",\"quiesceTimeoutMs\":30000,\"deadlineMs\":60000}"), 202);
		String id = accepted.get("id").asString();
		await().atMost(Duration.ofSeconds(60)).until(() -> "QUIESCE".equals(
				call(a, get("/api/v1/operations/" + id), 200).path("phase").asString()));

		// host-a's instance stops mid-quiesce, without grace: its simulated host dies with it, and the
		// worker either sees its hypervisor go first (it records the failure, the domain FAULTED) or is
		// stopped before it can record anything (the restarted instance decides the leftover at once)
		contexts.remove(0).close();
		MockMvc again = start("host-a");
		JsonNode ended = awaitEnd(b, id);
		String state = ended.get("state").asString();
		assertThat(state).as(ended.toString()).isIn("SUCCEEDED", "ROLLED_BACK", "FAILED");
		JsonNode domain = call(again, get("/api/v1/domains/1"), 200);
		switch (state) {
			case "SUCCEEDED" -> {
				assertThat(ended.get("recoveryNote").asString()).isNotBlank();
				assertThat(domain.get("state").asString()).isEqualTo("SUSPENDED");
				assertThat(domain.get("powerState").asString()).isEqualTo("ABSENT");
			}
			case "ROLLED_BACK" -> {
				assertThat(domain.get("state").asString()).isEqualTo("RUNNING");
				assertThat(domain.get("powerState").asString()).isEqualTo("RUNNING");
			}
			default -> {
				assertThat(ended.get("error").get("code").asString()).isEqualTo("COMPENSATION_FAILED");
				assertThat(domain.get("state").asString()).isEqualTo("FAULTED");
			}
		}
		// one copy at most, on the host's instance; none on the other
		assertThat(hypervisor(0).guests()).isEmpty();
		assertThat(hypervisor(1).guests().size()).isLessThanOrEqualTo(1);
	}

	@Test
	void aSuspendedGuestOfAStoppedHostIsResumedOnAnotherThatReachesItsStorage() throws Exception {
		// the two simulated hosts share their storage, as hosts on one NFS or Ceph volume would
		Map<String, String> shared = Map.of("xso.sim.snapshot-dir", disks.resolve("shared").toString());
		MockMvc a = start("host-a", "xso-host-a", shared);
		MockMvc b = start("host-b", "xso-host-b", shared);
		call(a, post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(1)), 201);
		call(a, post("/api/v1/domains/1/workload").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"START\"}"), 200);
		long issued = WorkloadChecks.awaitIssued(a, 1, 50);
		JsonNode suspend = call(a, post("/api/v1/domains/1/suspend").header("Prefer", "wait=30")
			.contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SHADOW_REPLAY), 200);
		assertThat(suspend.get("state").asString()).as(suspend.toString()).isEqualTo("SUCCEEDED");
		contexts.remove(0).close(); // host-a stops: its suspended guest is not lost with it

		call(b, post("/api/v1/domains/1/resume").contentType(MediaType.APPLICATION_JSON)
			.content("{\"host\": \"host-z\"}"), 404);
		JsonNode resume = call(b, post("/api/v1/domains/1/resume").header("Prefer", "wait=30")
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"host\": \"host-b\"}"), 200);
		assertThat(resume.get("state").asString()).as(resume.toString()).isEqualTo("SUCCEEDED");
		assertThat(resume.get("host").asString()).isEqualTo("host-b");
		JsonNode domain = call(b, get("/api/v1/domains/1"), 200);
		assertThat(domain.get("host").asString()).isEqualTo("host-b");
		assertThat(domain.get("powerState").asString()).isEqualTo("RUNNING");
		WorkloadChecks.assertNothingLost(b, 1, issued + 50);
	}

	@Test
	void aStoppedOrSilentHostsGuestsAreRefusedNamingTheHost() throws Exception {
		MockMvc a = start("host-a");
		MockMvc b = start("host-b");
		call(a, post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(1)), 201);
		contexts.remove(0).close();

		assertThat(call(b, get("/api/v1/hosts/host-a"), 200).get("state").asString()).isEqualTo("STOPPED");
		JsonNode stopped = call(b, post("/api/v1/domains/1/suspend").contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SHADOW_REPLAY), 503);
		assertThat(stopped.get("code").asString()).isEqualTo("HOST_UNAVAILABLE");
		assertThat(stopped.get("detail").asString()).contains("host host-a, which is STOPPED");
		assertThat(call(b, get("/api/v1/domains/1"), 200).has("lease")).isFalse();
		assertThat(call(b, get("/api/v1/domains/1/resume-check"), 200).get("reasons").toString())
			.contains("HOST_UNAVAILABLE", "host host-a is STOPPED");

		// an instance that died: its heartbeat stops, and after down-after the host is DOWN
		new JdbcTemplate(contexts.get(0).getBean(javax.sql.DataSource.class))
			.update("update hosts set stopped_at = null, heartbeat_at = ? where name = 'host-a'",
					java.sql.Timestamp.from(Instant.now().minus(Duration.ofMinutes(1))));
		assertThat(call(b, get("/api/v1/hosts/host-a"), 200).get("state").asString()).isEqualTo("DOWN");
		JsonNode down = call(b, post("/api/v1/domains/1/suspend").contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SHADOW_REPLAY), 503);
		assertThat(down.get("detail").asString()).contains("host host-a, which is DOWN (no heartbeat since");
	}

	private Hypervisor hypervisor(int context) {
		return contexts.get(context).getBean(Hypervisor.class);
	}

	private JsonNode awaitEnd(MockMvc mvc, String id) {
		JsonNode[] last = new JsonNode[1];
		await().atMost(Duration.ofSeconds(60)).until(() -> {
			last[0] = call(mvc, get("/api/v1/operations/" + id), 200);
			String state = last[0].get("state").asString();
			return !state.equals("PENDING") && !state.equals("RUNNING");
		});
		return last[0];
	}

	private MockMvc start(String host) {
		return start(host, "xso-" + host);
	}

	private MockMvc start(String host, String instance) {
		return start(host, instance, Map.of());
	}

	private MockMvc start(String host, String instance, Map<String, String> more) {
		Map<String, Object> props = new HashMap<>(db);
		props.put("server.port", "0");
		props.put("xso.hypervisor", "sim");
		props.put("xso.demo.enabled", "false");
		props.put("xso.host.name", host);
		props.put("xso.instance-id", instance);
		props.put("xso.sim.snapshot-dir", disks.resolve(instance).toString());
		props.put("xso.operations.shutdown-grace", "PT0S");
		props.putAll(more);
		Instance started = Instance.start(props);
		contexts.add(started.context());
		return started.mvc();
	}

	private JsonNode call(MockMvc mvc, RequestBuilder request, int status) throws Exception {
		MvcResult r = mvc.perform(request).andReturn();
		assertThat(r.getResponse().getStatus()).as(r.getResponse().getContentAsString()).isEqualTo(status);
		return json.readTree(r.getResponse().getContentAsString());
	}

}

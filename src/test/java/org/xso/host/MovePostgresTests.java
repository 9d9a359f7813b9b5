package org.xso.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.RequestBuilder;
import org.xso.hypervisor.Hypervisor;
import org.xso.hypervisor.SimulatorControls;
import org.xso.hypervisor.SuspendStrategy;
import org.xso.operation.internal.Workers;
import org.xso.support.Guests;
import org.xso.support.Instance;
import org.xso.support.PostgresDatabase;
import org.xso.support.WorkloadChecks;
import org.xso.xen.DomId;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Moves between three instances, each serving its own simulated host, on one PostgreSQL, the
 * hosts sharing their storage: a guest with its block and network workloads running goes round
 * the hosts with each strategy, and an instance stopped without grace in each part of a move
 * never leaves two running copies of the guest.
 */
class MovePostgresTests {

	private static final List<String> SOURCE_PHASES = List.of("QUIESCE", "SAVE", "PERSIST", "SUSPEND", "HANDOVER");

	private static final List<String> TARGET_PHASES = List.of("VERIFY_CHECKPOINT", "RESTORE", "REGRANT", "RECONNECT",
			"REPLAY", "VERIFY");

	private final JsonMapper json = JsonMapper.builder().build();

	/** The running instances by host; a stopped one is removed. */
	private final Map<String, ConfigurableApplicationContext> contexts = new LinkedHashMap<>();

	private final Map<String, MockMvc> clients = new HashMap<>();

	private Map<String, String> db;

	@TempDir
	Path disks;

	@BeforeEach
	void database() {
		db = PostgresDatabase.properties("move");
	}

	@AfterEach
	void stop() {
		contexts.values().forEach(ConfigurableApplicationContext::close);
	}

	@ParameterizedTest
	@EnumSource(SuspendStrategy.class)
	void aGuestWithItsWorkloadsRunningMovesRoundThreeHostsLosingNothing(SuspendStrategy strategy) throws Exception {
		start("host-a");
		start("host-b");
		start("host-c");
		call("host-a", post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(1)), 201);
		call("host-a", post("/api/v1/domains/1/workload").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"START\"}"), 200);
		long issued = WorkloadChecks.awaitIssued(clients.get("host-a"), 1, 50);

		// {source, target, the instance asked}: asked of its source, of its target, of the third
		List<String[]> hops = List.of(new String[] { "host-a", "host-b", "host-a" },
				new String[] { "host-b", "host-c", "host-c" }, new String[] { "host-c", "host-a", "host-b" });
		for (String[] hop : hops) {
			String source = hop[0];
			String target = hop[1];
			issued = WorkloadChecks.awaitIssued(clients.get(source), 1, issued + 50);
			JsonNode move = call(hop[2], post("/api/v1/domains/1/move").header("Prefer", "wait=60")
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"host\": \"" + target + "\", \"strategy\": \"" + strategy + "\"}"), 200);
			assertThat(move.get("state").asString()).as(move.toString()).isEqualTo("SUCCEEDED");
			assertThat(move.get("kind").asString()).isEqualTo("MOVE");
			assertThat(move.get("move").get("source").asString()).isEqualTo(source);
			assertThat(move.get("move").get("target").asString()).isEqualTo(target);
			assertThat(move.get("host").asString()).isEqualTo(target);
			assertThat(move.get("owner").asString()).isEqualTo("xso-" + target);
			List<String> onSource = new ArrayList<>();
			List<String> onTarget = new ArrayList<>();
			for (JsonNode phase : move.get("phases")) {
				assertThat(phase.get("state").asString()).isEqualTo("DONE");
				(phase.get("host").asString().equals(source) ? onSource : onTarget).add(phase.get("name").asString());
			}
			assertThat(onSource).isEqualTo(SOURCE_PHASES);
			assertThat(onTarget).isEqualTo(TARGET_PHASES);
			// new machine frames: every device granted its ring pages afresh on the target, no ref reused
			assertThat(move.get("devices")).hasSize(2);
			for (JsonNode device : move.get("devices")) {
				assertThat(device.get("allRefsNew").asBoolean()).as(device.toString()).isTrue();
				assertThat(device.get("refsAfter")).as(device.toString()).isNotEmpty();
			}
			JsonNode domain = call(hop[2], get("/api/v1/domains/1"), 200);
			assertThat(domain.get("state").asString()).isEqualTo("RUNNING");
			assertThat(domain.get("host").asString()).isEqualTo(target);
			assertThat(call(target, get("/api/v1/domains/1"), 200).get("powerState").asString()).isEqualTo("RUNNING");
			assertRunsOnlyOn(target);
			// the suspend checkpoint the move went through stays, no longer pinned
			assertThat(call(hop[2], get("/api/v1/checkpoints/" + move.get("checkpointId").asString()), 200)
				.get("pinned").asBoolean()).isFalse();
		}
		WorkloadChecks.assertNothingLost(clients.get("host-a"), 1, issued + 50); // back where it started
	}

	@Test
	void aMoveIsRefusedBeforeAnythingIsDoneWhenItsTargetCannotTakeTheGuest() throws Exception {
		start("host-a");
		start("host-b");
		start("host-c", disks.resolve("host-c-own")); // a host with storage of its own
		call("host-a", post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(1)), 201);

		String shared = call("host-c", get("/api/v1/hosts/host-a"), 200).get("storageId").asString();
		assertThat(call("host-c", get("/api/v1/hosts/host-b"), 200).get("storageId").asString()).isEqualTo(shared);
		assertThat(call("host-c", get("/api/v1/hosts/host-c"), 200).get("storageId").asString()).isNotEqualTo(shared);
		JsonNode unshared = call("host-b", move("host-c"), 409);
		assertThat(unshared.get("code").asString()).isEqualTo("STORAGE_NOT_SHARED");
		assertThat(unshared.get("detail").asString()).contains("host host-c does not reach the storage of host host-a");
		assertThat(problem(call("host-b", move("host-a"), 409))).isEqualTo("ALREADY_ON_HOST");
		assertThat(problem(call("host-b", move("host-z"), 404))).isEqualTo("HOST_NOT_FOUND");
		assertThat(problem(call("host-b", post("/api/v1/domains/1/move").contentType(MediaType.APPLICATION_JSON)
			.content("{\"strategy\": \"SHADOW_REPLAY\"}"), 400))).isEqualTo("VALIDATION_FAILED");
		stopInstance("host-b");
		JsonNode down = call("host-a", move("host-b"), 503);
		assertThat(down.get("code").asString()).isEqualTo("HOST_UNAVAILABLE");
		assertThat(down.get("detail").asString()).contains("host host-b, which is STOPPED");
		JsonNode domain = call("host-a", get("/api/v1/domains/1"), 200);
		assertThat(domain.get("state").asString()).isEqualTo("RUNNING");
		assertThat(domain.get("host").asString()).isEqualTo("host-a");
		assertThat(domain.has("lease")).isFalse();
		assertRunsOnlyOn("host-a");
	}

	/**
	 * The target host names its network differently (its only bridge is {@code br-lab}, in a driver
	 * domain): a move that does not say where the vif goes is refused before anything is done, and
	 * one that does brings it back there, and back again, losing nothing.
	 */
	@Test
	void aMoveRemapsTheGuestsBackendsOntoWhatTheTargetHas() throws Exception {
		start("host-a");
		start("host-b", disks.resolve("shared"), Map.of("xso.sim.bridges", "br-lab", "xso.sim.driver-domains", "netdd"));
		guestWithWorkload("host-a");
		long issued = WorkloadChecks.awaitIssued(clients.get("host-a"), 1, 50);

		JsonNode refused = call("host-a", move("host-b"), 422);
		assertThat(refused.get("code").asString()).as(refused.toString()).isEqualTo("BACKEND_NOT_ON_HOST");
		assertThat(refused.get("errors").get(0).get("message").asString()).contains("vif/0").contains("xenbr0");
		assertThat(call("host-b", get("/api/v1/domains/1"), 200).get("state").asString()).isEqualTo("RUNNING");
		assertRunsOnlyOn("host-a");

		JsonNode there = call("host-b", post("/api/v1/domains/1/move").header("Prefer", "wait=60")
			.contentType(MediaType.APPLICATION_JSON)
			.content("""
					{"host": "host-b", "strategy": "SHADOW_REPLAY",
					 "devices": [{"type": "vif", "devid": 0, "backendDomid": 32751, "bridge": "br-lab"}]}
					"""), 200);
		assertThat(there.get("state").asString()).as(there.toString()).isEqualTo("SUCCEEDED");
		assertThat(there.get("devices")).allSatisfy(d -> assertThat(d.get("allRefsNew").asBoolean()).isTrue());
		assertRunsOnlyOn("host-b");
		JsonNode vif = vif(call("host-b", get("/api/v1/domains/1"), 200));
		assertThat(vif.get("backendDomid").asInt()).isEqualTo(32751);
		assertThat(vif.get("config").get("bridge").asString()).isEqualTo("br-lab");
		assertThat(vif.get("connected").asBoolean()).isTrue();
		issued = WorkloadChecks.awaitIssued(clients.get("host-b"), 1, issued + 50);

		JsonNode back = call("host-a", post("/api/v1/domains/1/move").header("Prefer", "wait=60")
			.contentType(MediaType.APPLICATION_JSON)
			.content("""
					{"host": "host-a", "strategy": "SUSPEND_RESUME",
					 "devices": [{"type": "vif", "devid": 0, "backendDomid": 0, "bridge": "xenbr0"}]}
					"""), 200);
		assertThat(back.get("state").asString()).as(back.toString()).isEqualTo("SUCCEEDED");
		assertRunsOnlyOn("host-a");
		vif = vif(call("host-b", get("/api/v1/domains/1"), 200));
		assertThat(vif.get("backendDomid").asInt()).isZero();
		assertThat(vif.get("config").get("bridge").asString()).isEqualTo("xenbr0");
		WorkloadChecks.assertNothingLost(clients.get("host-a"), 1, issued + 50);
	}

	private static JsonNode vif(JsonNode domain) {
		for (JsonNode d : domain.get("devices")) {
			if (d.get("type").asString().equals("vif")) {
				return d;
			}
		}
		throw new AssertionError("no vif in " + domain);
	}

	@Test
	void theSourcesInstanceStoppedMidQuiesceRunsTheMoveAgainWhenItIsBack() throws Exception {
		start("host-a");
		start("host-b");
		start("host-c");
		String id = slowMoveAcceptedBy("host-c", "host-b");
		await().atMost(Duration.ofSeconds(60)).until(() -> "QUIESCE".equals(phaseOf("host-a", id)));

		stopInstance("host-a"); // without grace: its simulated host dies with it
		start("host-a");
		JsonNode ended = awaitEnd("host-c", id);
		// the dying instance records nothing of the failures its stop caused; nothing durable had
		// happened (a move is first written when its checkpoint is stored), so the restarted source
		// runs it again from the start: its guest, started again from its disks, moves
		assertThat(ended.get("state").asString()).as(ended.toString()).isEqualTo("SUCCEEDED");
		assertThat(ended.get("recoveryNote").asString()).contains("not durably begun");
		JsonNode domain = call("host-c", get("/api/v1/domains/1"), 200);
		assertThat(domain.get("host").asString()).isEqualTo("host-b");
		assertThat(domain.get("state").asString()).isEqualTo("RUNNING");
		assertRunsOnlyOn("host-b");
		// the guest had been started again from its disks when its host came back (its workload with
		// it): what it writes now, moved, still reads back
		call("host-b", post("/api/v1/domains/1/workload").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"START\"}"), 200);
		WorkloadChecks.assertNothingLost(clients.get("host-b"), 1, 50);
	}

	@Test
	void theSourcesInstanceStoppedAfterTheCheckpointWasStoredHandsTheGuestOverWhenItIsBack() throws Exception {
		start("host-a");
		start("host-b");
		start("host-c");
		guestWithWorkload("host-a");
		// host-a takes 60 s to tear the saved guest down: the move waits in SUSPEND, its checkpoint stored
		controls("host-a").setTeardownLatency(DomId.guest(1), Duration.ofSeconds(60));
		String id = acceptedMove("host-c", "host-b", "SHADOW_REPLAY");
		await().atMost(Duration.ofSeconds(60)).until(() -> "SUSPEND".equals(phaseOf("host-c", id)));
		String checkpoint = call("host-c", get("/api/v1/operations/" + id), 200).get("checkpointId").asString();
		assertThat(hypervisor("host-b").guests()).isEmpty();

		stopInstance("host-a"); // without grace: its simulated host dies with it
		start("host-a");
		JsonNode ended = awaitEnd("host-c", id);
		// the checkpoint was durable: the restarted source completes the suspend and hands over, and
		// the target resumes the guest from that checkpoint
		assertThat(ended.get("state").asString()).as(ended.toString()).isEqualTo("SUCCEEDED");
		assertThat(ended.get("checkpointId").asString()).isEqualTo(checkpoint);
		assertThat(ended.get("recoveryNote").asString()).contains("the checkpoint had been stored",
				"the move goes on on its target host");
		assertThat(phase(ended, "HANDOVER").get("state").asString()).isEqualTo("DONE");
		JsonNode domain = call("host-c", get("/api/v1/domains/1"), 200);
		assertThat(domain.get("host").asString()).isEqualTo("host-b");
		assertThat(domain.get("state").asString()).isEqualTo("RUNNING");
		assertRunsOnlyOn("host-b");
		WorkloadChecks.assertNothingLost(clients.get("host-b"), 1, 100);
	}

	@Test
	void aTargetStoppedBeforeTheHandOverLeavesTheGuestSuspendedOnTheSourceWithItsCheckpoint() throws Exception {
		start("host-a");
		start("host-b");
		String id = slowMoveAcceptedBy("host-a", "host-b");
		await().atMost(Duration.ofSeconds(60)).until(() -> "QUIESCE".equals(phaseOf("host-a", id)));

		stopInstance("host-b");
		JsonNode ended = awaitEnd("host-a", id);
		assertThat(ended.get("state").asString()).as(ended.toString()).isEqualTo("RESUME_FAILED");
		assertThat(ended.get("error").get("code").asString()).isEqualTo("HOST_UNAVAILABLE");
		assertThat(ended.get("error").get("detail").asString()).contains("host host-b", "stays suspended on host host-a");
		assertThat(phase(ended, "SUSPEND").get("state").asString()).isEqualTo("DONE");
		assertThat(phase(ended, "HANDOVER").get("state").asString()).isEqualTo("FAILED");
		JsonNode domain = call("host-a", get("/api/v1/domains/1"), 200);
		assertThat(domain.get("state").asString()).isEqualTo("SUSPENDED");
		assertThat(domain.get("host").asString()).isEqualTo("host-a");
		assertThat(hypervisor("host-a").guests()).isEmpty();

		// and it resumes where it is (then its backend is made quick again)
		JsonNode resume = call("host-a", post("/api/v1/domains/1/resume").header("Prefer", "wait=60"), 200);
		assertThat(resume.get("state").asString()).as(resume.toString()).isEqualTo("SUCCEEDED");
		call("host-a", post("/api/v1/simulator/faults").contentType(MediaType.APPLICATION_JSON)
			.content("{\"kind\":\"BACKEND_LATENCY\",\"domid\":1,\"deviceType\":\"vbd\",\"devid\":51712,"
					+ "\"latencyMs\":1}"), 204);
		assertRunsOnlyOn("host-a");
		WorkloadChecks.assertNothingLost(clients.get("host-a"), 1, 100);
	}

	@Test
	void theTargetsInstanceStoppedWhileVerifyingTheCheckpointResumesTheGuestThereWhenItIsBack() throws Exception {
		start("host-a");
		start("host-b");
		start("host-c");
		guestWithWorkload("host-a");
		// host-b's storage check takes 60 s: the move waits in VERIFY_CHECKPOINT on host-b
		controls("host-b").setStorageCheckLatency(DomId.guest(1), Duration.ofSeconds(60));
		String id = acceptedMove("host-c", "host-b", "SHADOW_REPLAY");
		// (the phases a worker is in are shown by its instance; the row has the durable ones)
		await().atMost(Duration.ofSeconds(60)).until(() -> "VERIFY_CHECKPOINT".equals(phaseOf("host-b", id)));
		assertThat(phaseOf("host-c", id)).isEqualTo("HANDOVER");
		assertThat(hypervisor("host-a").guests()).isEmpty();

		stopInstance("host-b");
		assertThat(call("host-c", get("/api/v1/domains/1"), 200).get("state").asString()).isEqualTo("SUSPENDED");
		start("host-b");
		JsonNode ended = awaitEnd("host-c", id);
		assertThat(ended.get("state").asString()).as(ended.toString()).isEqualTo("SUCCEEDED");
		assertThat(ended.get("recoveryNote").asString()).contains("run again from its checkpoint");
		assertRunsOnlyOn("host-b");
		WorkloadChecks.assertNothingLost(clients.get("host-b"), 1, 100);
	}

	/**
	 * A late dispatch of a handed-over move on its source's instance (a sweep there read the row
	 * while the move was still the source's) leaves it to the target's instance: the guest is
	 * restored on the target only.
	 */
	@Test
	void aHandedOverMoveDispatchedAgainOnItsSourceRunsOnlyOnItsTarget() throws Exception {
		start("host-a");
		start("host-b");
		guestWithWorkload("host-a");
		// host-b's storage check waits until the test lets it go on: the move stays handed over
		controls("host-b").setStorageCheckLatency(DomId.guest(1), Duration.ofMinutes(10));
		String id = acceptedMove("host-a", "host-b", "SHADOW_REPLAY");
		await().atMost(Duration.ofSeconds(60)).until(() -> "VERIFY_CHECKPOINT".equals(phaseOf("host-b", id)));

		Workers.runNow(contexts.get("host-a"), java.util.UUID.fromString(id));
		assertThat(hypervisor("host-a").guests()).isEmpty();
		JsonNode row = call("host-a", get("/api/v1/operations/" + id), 200);
		assertThat(row.get("owner").asString()).isEqualTo("xso-host-b");
		assertThat(row.get("attempts").asInt()).isEqualTo(1);

		controls("host-b").setStorageCheckLatency(DomId.guest(1), Duration.ZERO);
		JsonNode ended = awaitEnd("host-a", id);
		assertThat(ended.get("state").asString()).as(ended.toString()).isEqualTo("SUCCEEDED");
		assertThat(ended.get("owner").asString()).isEqualTo("xso-host-b");
		assertThat(ended.get("attempts").asInt()).isEqualTo(2); // the source's run and the target's
		assertRunsOnlyOn("host-b");
		WorkloadChecks.assertNothingLost(clients.get("host-b"), 1, 100);
	}

	@Test
	void theTargetsInstanceStoppedMidRestoreRestoresTheGuestOnceWhenItIsBack() throws Exception {
		start("host-a");
		start("host-b");
		guestWithWorkload("host-a");
		// host-b's backends never answer: the restored guest's devices wait for them
		controls("host-b").setBackendsStall(DomId.guest(1), true);
		String id = acceptedMove("host-a", "host-b", "SUSPEND_RESUME");
		// RESTORE is written before the hypervisor rebuilds the guest, which then waits for its backends
		await().atMost(Duration.ofSeconds(60)).until(() -> "RESTORE".equals(phaseOf("host-a", id)));
		assertThat(hypervisor("host-a").guests()).isEmpty();

		stopInstance("host-b");
		start("host-b");
		JsonNode ended = awaitEnd("host-a", id);
		assertThat(ended.get("state").asString()).as(ended.toString()).isEqualTo("SUCCEEDED");
		assertThat(ended.get("attempts").asInt()).isEqualTo(3); // the source's run and two on the target
		assertRunsOnlyOn("host-b");
		WorkloadChecks.assertNothingLost(clients.get("host-b"), 1, 100);
	}

	/** A guest on {@code host} with its workload running. */
	private void guestWithWorkload(String host) throws Exception {
		call(host, post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(1)), 201);
		call(host, post("/api/v1/domains/1/workload").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"START\"}"), 200);
		WorkloadChecks.awaitIssued(clients.get(host), 1, 50);
	}

	/**
	 * A move of a guest on host-a to {@code target}, accepted by {@code via}'s instance, whose
	 * quiesce takes seconds (every block request takes 2 s at host-a's backend, and a SUSPEND_RESUME
	 * quiesce waits for them).
	 */
	private String slowMoveAcceptedBy(String via, String target) throws Exception {
		guestWithWorkload("host-a");
		call("host-a", post("/api/v1/simulator/faults").contentType(MediaType.APPLICATION_JSON)
			.content("{\"kind\":\"BACKEND_LATENCY\",\"domid\":1,\"deviceType\":\"vbd\",\"devid\":51712,"
					+ "\"latencyMs\":2000}"), 204);
		JsonNode accepted = call(via, post("/api/v1/domains/1/move").contentType(MediaType.APPLICATION_JSON)
			.content("{\"host\": \"" + target + "\", \"strategy\": \"SUSPEND_RESUME\", \"quiesceTimeoutMs\": 30000,"
					+ " \"deadlineMs\": 120000}"), 202);
		return accepted.get("id").asString();
	}

	private String acceptedMove(String via, String target, String strategy) throws Exception {
		JsonNode accepted = call(via, post("/api/v1/domains/1/move").contentType(MediaType.APPLICATION_JSON)
			.content("{\"host\": \"" + target + "\", \"strategy\": \"" + strategy + "\", \"deadlineMs\": 300000}"),
				202);
		assertThat(accepted.get("move").get("target").asString()).isEqualTo(target);
		return accepted.get("id").asString();
	}

	private static RequestBuilder move(String target) {
		return post("/api/v1/domains/1/move").contentType(MediaType.APPLICATION_JSON)
			.content("{\"host\": \"" + target + "\", \"strategy\": \"SHADOW_REPLAY\"}");
	}

	/** The guest runs on {@code host}'s simulated host and on no other running one. */
	private void assertRunsOnlyOn(String host) {
		for (Map.Entry<String, ConfigurableApplicationContext> e : contexts.entrySet()) {
			Hypervisor h = e.getValue().getBean(Hypervisor.class);
			if (e.getKey().equals(host)) {
				assertThat(h.guest(DomId.guest(1))).as("the guest on " + host).isPresent();
			}
			else {
				assertThat(h.guests()).as("guests on " + e.getKey()).isEmpty();
			}
		}
	}

	private String phaseOf(String via, String id) throws Exception {
		return call(via, get("/api/v1/operations/" + id), 200).path("phase").asString();
	}

	private static JsonNode phase(JsonNode operation, String name) {
		for (JsonNode p : operation.get("phases")) {
			if (p.get("name").asString().equals(name)) {
				return p;
			}
		}
		throw new AssertionError("no phase " + name + " in " + operation);
	}

	private static String problem(JsonNode body) {
		return body.get("code").asString();
	}

	private JsonNode awaitEnd(String via, String id) {
		JsonNode[] last = new JsonNode[1];
		await().atMost(Duration.ofSeconds(120)).until(() -> {
			last[0] = call(via, get("/api/v1/operations/" + id), 200);
			String state = last[0].get("state").asString();
			return !state.equals("PENDING") && !state.equals("RUNNING");
		});
		return last[0];
	}

	private Hypervisor hypervisor(String host) {
		return contexts.get(host).getBean(Hypervisor.class);
	}

	private SimulatorControls controls(String host) {
		return contexts.get(host).getBean(SimulatorControls.class);
	}

	/** Stops {@code host}'s instance without grace: its simulated host and its guests end with it. */
	private void stopInstance(String host) {
		clients.remove(host);
		contexts.remove(host).close();
	}

	/** Starts an instance serving {@code host}, its instance id fixed (a restart recognises its leases). */
	private void start(String host) {
		// the hosts share their storage, as hosts on one NFS or Ceph volume would
		start(host, disks.resolve("shared"));
	}

	private void start(String host, Path storage) {
		start(host, storage, Map.of());
	}

	private void start(String host, Path storage, Map<String, String> more) {
		Map<String, Object> props = new HashMap<>(db);
		props.put("server.port", "0");
		props.put("xso.hypervisor", "sim");
		props.put("xso.demo.enabled", "false");
		props.put("xso.host.name", host);
		props.put("xso.instance-id", "xso-" + host);
		props.put("xso.sim.snapshot-dir", storage.toString());
		props.put("xso.operations.shutdown-grace", "PT0S");
		more.forEach(props::put);
		Instance started = Instance.start(props);
		contexts.put(host, started.context());
		clients.put(host, started.mvc());
	}

	private JsonNode call(String via, RequestBuilder request, int status) throws Exception {
		MvcResult r = clients.get(via).perform(request).andReturn();
		assertThat(r.getResponse().getStatus()).as(r.getResponse().getContentAsString()).isEqualTo(status);
		return json.readTree(r.getResponse().getContentAsString());
	}

}

package org.xso.operation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.Import;
import org.springframework.core.type.filter.AssignableTypeFilter;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.RequestBuilder;
import org.xso.hypervisor.Hypervisor;
import org.xso.support.AdminByDefault;
import org.xso.support.ContractValidation;
import org.xso.support.Guests;
import org.xso.support.TestTokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * The flows against the simulator adapter with a workload running, through HTTP: suspend and
 * resume, checkpoint and restore, under both strategies. Every request issued before the suspend
 * completes exactly once, no acknowledged write is lost, and the grant refs after a resume are all
 * new; one name is one live domain. Runs once the simulator adapter ({@code org.xso.hypervisor.sim}) is on the class path.
 */
@SpringBootTest(properties = { "xso.hypervisor=sim", "xso.demo.enabled=false", "xso.instance-id=sim-flows",
		"xso.operations.full-checkpoint-every=4", "xso.checkpoints.compaction-threshold=2",
		"spring.datasource.url=jdbc:h2:mem:xso-sim;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1" })
@AutoConfigureMockMvc
@Import({ ContractValidation.class, AdminByDefault.class })
@EnabledIf("simulatorPresent")
class SimulatorFlowTests {

	@Autowired
	MockMvc mvc;

	@Autowired
	JsonMapper json;

	@Autowired
	JdbcClient jdbc;

	/** Disks in a directory of this run's own: live disks and snapshots in files, as the service keeps them. */
	private static final Path DISKS = temporaryDirectory();

	@DynamicPropertySource
	static void disks(DynamicPropertyRegistry registry) {
		registry.add("xso.sim.snapshot-dir", DISKS::toString);
	}

	private static Path temporaryDirectory() {
		try {
			Path dir = Files.createTempDirectory("xso-sim-flows");
			dir.toFile().deleteOnExit();
			return dir;
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	static boolean simulatorPresent() {
		var scanner = new ClassPathScanningCandidateComponentProvider(false);
		scanner.addIncludeFilter(new AssignableTypeFilter(Hypervisor.class));
		return !scanner.findCandidateComponents("org.xso.hypervisor.sim").isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "SHADOW_REPLAY", "SUSPEND_RESUME" })
	void suspendsAndResumesAGuestWithItsWorkloadRunning(String strategy) throws Exception {
		int domid = strategy.equals("SHADOW_REPLAY") ? 11 : 12;
		call(post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(domid)), 201);
		startWorkload(domid);
		long issuedBefore = awaitIssued(domid, 50);

		JsonNode suspended = suspend(domid, strategy);
		JsonNode resumed = awaitEnd(call(post("/api/v1/domains/" + domid + "/resume"), 202));
		assertThat(resumed.get("state").asString()).as(resumed.toString()).isEqualTo("SUCCEEDED");
		for (JsonNode device : resumed.get("devices")) {
			assertThat(device.get("allRefsNew").asBoolean()).as(device.toString()).isTrue();
		}
		assertExactlyOnceAndNothingLost(domid, issuedBefore);
	}

	@Test
	void aGuestSlowToAnswerTheSuspendRequestHoldsQuiesceAndOneSlowerThanTheTimeoutIsThawed() throws Exception {
		int domid = 71;
		call(post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(domid)), 201);
		startWorkload(domid);
		awaitIssued(domid, 50);
		fault("{\"kind\":\"GUEST_SUSPEND_LATENCY\",\"domid\":" + domid + ",\"latencyMs\":300}");

		JsonNode slow = checkpoint(domid, "{\"strategy\":\"SHADOW_REPLAY\"}");
		assertThat(slow.get("state").asString()).as(slow.toString()).isEqualTo("SUCCEEDED");
		assertThat(slow.get("phases").get(0).get("durationMs").asLong()).as("QUIESCE").isGreaterThanOrEqualTo(300);

		JsonNode timedOut = awaitEnd(call(post("/api/v1/domains/" + domid + "/suspend")
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"strategy\":\"SHADOW_REPLAY\",\"quiesceTimeoutMs\":100}"), 202));
		assertThat(timedOut.get("state").asString()).as(timedOut.toString()).isEqualTo("ROLLED_BACK");
		assertThat(timedOut.get("error").get("code").asString()).isEqualTo("QUIESCE_TIMEOUT");
		assertThat(call(get("/api/v1/domains/" + domid), 200).get("powerState").asString()).isEqualTo("RUNNING");

		fault("{\"kind\":\"GUEST_SUSPEND_LATENCY\",\"domid\":" + domid + ",\"latencyMs\":0}");
		JsonNode prompt = checkpoint(domid, "{\"strategy\":\"SHADOW_REPLAY\"}");
		assertThat(prompt.get("state").asString()).as(prompt.toString()).isEqualTo("SUCCEEDED");
		assertExactlyOnceAndNothingLost(domid, 0);
	}

	@ParameterizedTest
	@ValueSource(strings = { "SHADOW_REPLAY", "SUSPEND_RESUME" })
	void restoresALiveCheckpointIntoANewDomainOnceTheOriginalNoLongerRunsUnderItsName(String strategy)
			throws Exception {
		int domid = strategy.equals("SHADOW_REPLAY") ? 21 : 22;
		call(post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(domid)), 201);
		startWorkload(domid);
		awaitIssued(domid, 50);
		JsonNode checkpoint = checkpoint(domid, "{\"strategy\":\"" + strategy + "\"}");
		assertThat(checkpoint.get("state").asString()).as(checkpoint.toString()).isEqualTo("SUCCEEDED");
		int target = domid + 100;
		// one name, one live domain, as libxl has it: not beside the running original
		JsonNode refused = restore(checkpoint.get("checkpointId").asString(), target);
		assertNameInUse(refused);
		call(get("/api/v1/domains/" + target), 404);
		assertExactlyOnceAndNothingLost(domid, 0);

		JsonNode suspended = suspend(domid, strategy);
		JsonNode restored = restore(checkpoint.get("checkpointId").asString(), target);
		assertThat(restored.get("state").asString()).as(restored.toString()).isEqualTo("SUCCEEDED");
		for (JsonNode device : restored.get("devices")) {
			assertThat(device.get("allRefsNew").asBoolean()).as(device.toString()).isTrue();
		}
		assertExactlyOnceAndNothingLost(target, 0);
	}

	@ParameterizedTest
	@ValueSource(strings = { "SHADOW_REPLAY", "SUSPEND_RESUME" })
	void refusesToResumeASuspendedGuestWhileItsRestoredCopyRunsAndSaysWhyBeforehand(String strategy)
			throws Exception {
		int domid = strategy.equals("SHADOW_REPLAY") ? 41 : 42;
		int copy = domid + 100;
		call(post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(domid)), 201);
		startWorkload(domid);
		long issuedBefore = awaitIssued(domid, 50);
		JsonNode suspended = suspend(domid, strategy);
		String checkpoint = suspended.get("checkpointId").asString();
		JsonNode restored = restore(checkpoint, copy);
		assertThat(restored.get("state").asString()).as(restored.toString()).isEqualTo("SUCCEEDED");

		JsonNode check = call(get("/api/v1/domains/" + domid + "/resume-check"), 200);
		assertThat(check.get("resumable").asBoolean()).as(check.toString()).isFalse();
		assertThat(check.get("reasons").findValuesAsString("code")).containsExactly("DOMAIN_NAME_IN_USE");
		assertThat(check.get("reasons").get(0).get("detail").asString())
			.isEqualTo("a running domain already has the saved guest's name");
		JsonNode resumed = awaitEnd(call(post("/api/v1/domains/" + domid + "/resume"), 202));
		assertNameInUse(resumed);
		assertThat(resumed.get("phases").get(0).get("name").asString()).isEqualTo("VERIFY_CHECKPOINT");
		assertThat(resumed.get("phases").get(0).get("state").asString()).isEqualTo("FAILED");

		JsonNode original = call(get("/api/v1/domains/" + domid), 200);
		assertThat(original.get("state").asString()).as(original.toString()).isEqualTo("SUSPENDED");
		assertThat(original.get("suspendCheckpointId").asString()).isEqualTo(checkpoint);
		assertThat(call(get("/api/v1/checkpoints/" + checkpoint + "/integrity"), 200).get("ok").asBoolean()).isTrue();
		JsonNode running = call(get("/api/v1/domains/" + copy), 200);
		assertThat(running.get("state").asString()).as(running.toString()).isEqualTo("RUNNING");
		assertExactlyOnceAndNothingLost(copy, issuedBefore);
	}

	/**
	 * Periodic checkpointing stores chains: a full checkpoint, then (with a full one every 4) three
	 * holding only what changed, each naming the one it builds on. An epoch in the middle of a chain
	 * restores into a new domain whose guest finds its disk as its memory expects and loses nothing; a
	 * chain's base cannot be deleted alone; a link whose stored image was changed makes every
	 * checkpoint built on it refuse to restore, naming the link.
	 */
	@Test
	void periodicCheckpointingStoresChainsOfIncrementalCheckpointsAndAnyEpochRestores() throws Exception {
		int domid = 51;
		JsonNode op = periodicOnABusyGuest(domid, "{\"strategy\":\"SHADOW_REPLAY\",\"intervalMs\":10,\"count\":6}");
		List<JsonNode> epochs = new ArrayList<>();
		op.get("periodic").get("recentEpochs").forEach(e -> epochs.add(0, e));
		assertThat(epochs.stream().map(e -> e.get("incremental").asBoolean()))
			.containsExactly(false, true, true, true, false, true);
		List<JsonNode> checkpoints = new ArrayList<>();
		for (JsonNode e : epochs) {
			checkpoints.add(call(get("/api/v1/checkpoints/" + e.get("checkpointId").asString()), 200));
		}
		assertThat(checkpoints.stream().map(c -> c.get("chainDepth").asInt())).containsExactly(0, 1, 2, 3, 0, 1);
		for (int i = 0; i < checkpoints.size(); i++) {
			JsonNode c = checkpoints.get(i);
			if (c.get("chainDepth").asInt() > 0) {
				assertThat(c.get("parentId").asString()).as("epoch %d builds on the one before", i + 1)
					.isEqualTo(checkpoints.get(i - 1).get("id").asString());
			}
			else {
				assertThat(c.has("parentId")).isFalse();
			}
		}
		String base = checkpoints.get(0).get("id").asString();
		String third = checkpoints.get(2).get("id").asString();
		String fourth = checkpoints.get(3).get("id").asString();
		JsonNode integrity = call(get("/api/v1/checkpoints/" + fourth + "/integrity"), 200);
		assertThat(integrity.get("ok").asBoolean()).as(integrity.toString()).isTrue();
		assertThat(integrity.get("parts").findValuesAsString("name")).contains("link 1 of 4 (" + base + ") memory",
				"link 3 of 4 (" + third + ") manifest", "memory");

		JsonNode refused = call(delete("/api/v1/checkpoints/" + base), 409);
		assertThat(refused.get("code").asString()).isEqualTo("CHECKPOINT_IN_USE");
		assertThat(refused.get("detail").asString()).contains("base of incremental checkpoint");

		suspend(domid, "SHADOW_REPLAY");
		JsonNode restored = restore(fourth, domid + 100);
		assertThat(restored.get("state").asString()).as(restored.toString()).isEqualTo("SUCCEEDED");
		for (JsonNode device : restored.get("devices")) {
			assertThat(device.get("allRefsNew").asBoolean()).as(device.toString()).isTrue();
		}
		assertExactlyOnceAndNothingLost(domid + 100, 0);

		// a byte of the second link's stored memory image changed: everything built on it is refused
		String second = checkpoints.get(1).get("id").asString();
		byte[] image = jdbc.sql("SELECT memory_image FROM checkpoint_images WHERE checkpoint_id = ?")
			.param(java.util.UUID.fromString(second))
			.query(byte[].class)
			.single();
		image[image.length / 2] ^= 0x01;
		jdbc.sql("UPDATE checkpoint_images SET memory_image = ? WHERE checkpoint_id = ?")
			.params(image, java.util.UUID.fromString(second))
			.update();
		JsonNode broken = call(get("/api/v1/checkpoints/" + fourth + "/integrity"), 200);
		assertThat(broken.get("ok").asBoolean()).isFalse();
		JsonNode rejected = call(post("/api/v1/checkpoints/" + third + "/restore").contentType(MediaType.APPLICATION_JSON)
			.content("{\"targetDomid\":" + (domid + 101) + "}"), 422);
		assertThat(rejected.get("code").asString()).isEqualTo("CHECKPOINT_INTEGRITY_FAILED");
		assertThat(rejected.get("reasons").get(0).asString())
			.startsWith("link 2 of 3 (" + second + ") memory: SHA-256 mismatch");
		call(get("/api/v1/domains/" + (domid + 101)), 404);
		// the chain before the changed link still restores
		assertThat(call(get("/api/v1/checkpoints/" + base + "/integrity"), 200).get("ok").asBoolean()).isTrue();
	}

	/**
	 * Retention compacts chains: with a retention of 2 and a compaction threshold of 2, each time two
	 * checkpoints are held only because the kept ones build on them, the oldest kept one is made a
	 * full checkpoint (its chain resolved into it, its disk capture a full snapshot under the same id)
	 * and they are deleted with their storage. Eight epochs (chains of 4) leave two checkpoints: the
	 * third epoch of the second chain, now full, and the fourth built on it; both verify, and the
	 * newest restores into a guest that loses nothing and finds its disk as its memory expects.
	 */
	@Test
	void retentionCompactsAChainIntoItsOldestKeptCheckpointAndEveryKeptEpochStillRestores() throws Exception {
		int domid = 54;
		JsonNode op = periodicOnABusyGuest(domid, 2, "{\"strategy\":\"SHADOW_REPLAY\",\"intervalMs\":10,\"count\":8}");
		List<String> epochs = new ArrayList<>();
		op.get("periodic").get("recentEpochs").forEach(e -> epochs.add(0, e.get("checkpointId").asString()));
		assertThat(epochs).hasSize(8);

		JsonNode held = call(get("/api/v1/domains/" + domid + "/checkpoints"), 200);
		List<String> ids = new ArrayList<>();
		held.get("items").forEach(c -> ids.add(0, c.get("id").asString()));
		assertThat(ids).as("the seventh epoch, compacted, and the eighth").containsExactly(epochs.get(6), epochs.get(7));
		JsonNode compacted = call(get("/api/v1/checkpoints/" + epochs.get(6)), 200);
		JsonNode newest = call(get("/api/v1/checkpoints/" + epochs.get(7)), 200);
		assertThat(compacted.get("chainDepth").asInt()).isZero();
		assertThat(compacted.has("parentId")).isFalse();
		assertThat(newest.get("chainDepth").asInt()).isEqualTo(1);
		assertThat(newest.get("parentId").asString()).isEqualTo(epochs.get(6));
		for (String id : ids) {
			JsonNode integrity = call(get("/api/v1/checkpoints/" + id + "/integrity"), 200);
			assertThat(integrity.get("ok").asBoolean()).as(integrity.toString()).isTrue();
		}
		// its disk capture is a full snapshot now; the newest's is still the changes on top of it
		assertThat(Files.exists(DISKS.resolve(diskSnapshot(epochs.get(6)) + ".vdisk"))).isTrue();
		assertThat(Files.exists(DISKS.resolve(diskSnapshot(epochs.get(6)) + ".vdelta"))).isFalse();
		assertThat(Files.exists(DISKS.resolve(diskSnapshot(epochs.get(7)) + ".vdelta"))).isTrue();
		for (String gone : epochs.subList(0, 6)) {
			call(get("/api/v1/checkpoints/" + gone), 404);
		}

		suspend(domid, "SHADOW_REPLAY");
		JsonNode restored = restore(epochs.get(7), domid + 100);
		assertThat(restored.get("state").asString()).as(restored.toString()).isEqualTo("SUCCEEDED");
		assertExactlyOnceAndNothingLost(domid + 100, 0);
	}

	/**
	 * With a retention of 1 the checkpoint compacted is the newest stored, the one the epoch being
	 * captured meanwhile builds on: that epoch is stored against it as it is after the compaction, so
	 * what is left verifies and restores.
	 */
	@Test
	void anEpochCapturedBeforeItsParentWasCompactedIsStoredAgainstTheCompactedParent() throws Exception {
		int domid = 55;
		periodicOnABusyGuest(domid, 1, "{\"strategy\":\"SHADOW_REPLAY\",\"intervalMs\":10,\"count\":12}");
		JsonNode held = call(get("/api/v1/domains/" + domid + "/checkpoints"), 200);
		assertThat(held.get("items").size()).as(held.toString()).isBetween(1, 2);
		String newest = held.get("items").get(0).get("id").asString();
		for (JsonNode c : held.get("items")) {
			JsonNode integrity = call(get("/api/v1/checkpoints/" + c.get("id").asString() + "/integrity"), 200);
			assertThat(integrity.get("ok").asBoolean()).as(integrity.toString()).isTrue();
		}
		suspend(domid, "SHADOW_REPLAY");
		JsonNode restored = restore(newest, domid + 100);
		assertThat(restored.get("state").asString()).as(restored.toString()).isEqualTo("SUCCEEDED");
		assertExactlyOnceAndNothingLost(domid + 100, 0);
	}

	/** The simulator's disk snapshot of a stored checkpoint's vbd, as its device's backend info names it. */
	private String diskSnapshot(String checkpoint) {
		String info = jdbc.sql("SELECT backend_info FROM checkpoint_devices WHERE checkpoint_id = ? AND device_type = 'vbd'")
			.param(java.util.UUID.fromString(checkpoint))
			.query(String.class)
			.single();
		return json.readTree(info).get("sim-disk-snapshot").asString();
	}

	/**
	 * With output commit the guest's packets leave only once the epoch after them is durable; the
	 * schedule's end lets them all go and the guest loses none.
	 */
	@Test
	void periodicCheckpointingWithOutputCommitHoldsTheGuestsOutputAndLosesNothing() throws Exception {
		int domid = 52;
		JsonNode op = periodicOnABusyGuest(domid,
				"{\"strategy\":\"SHADOW_REPLAY\",\"intervalMs\":10,\"count\":8,\"outputCommit\":true}");
		assertThat(op.get("periodic").get("outputCommit").asBoolean()).isTrue();
		long received = call(get("/api/v1/domains/" + domid + "/devices/vif/0/stats"), 200).get("packetsReceived")
			.asLong();
		// released when the schedule ended: the echoes come back at the network's pace again
		await().atMost(Duration.ofSeconds(60))
			.until(() -> call(get("/api/v1/domains/" + domid + "/devices/vif/0/stats"), 200).get("packetsReceived")
				.asLong() > received + 100);
		assertExactlyOnceAndNothingLost(domid, 0);
		JsonNode vif = call(get("/api/v1/domains/" + domid + "/devices/vif/0/stats"), 200);
		assertThat(vif.get("packetsDropped").asLong()).as(vif.toString()).isZero();
	}

	/** A new guest with its workload running, checkpointed as {@code body} asks; the operation, SUCCEEDED. */
	private JsonNode periodicOnABusyGuest(int domid, String body) throws Exception {
		return periodicOnABusyGuest(domid, 0, body);
	}

	/** As {@link #periodicOnABusyGuest(int, String)}, with the domain's checkpoint retention set first (0: the default). */
	private JsonNode periodicOnABusyGuest(int domid, int retention, String body) throws Exception {
		call(post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(domid)), 201);
		if (retention > 0) {
			call(patch("/api/v1/domains/" + domid).contentType("application/merge-patch+json")
				.content("{\"checkpointRetention\":" + retention + "}"), 200);
		}
		startWorkload(domid);
		awaitIssued(domid, 50);
		JsonNode op = awaitEnd(call(post("/api/v1/domains/" + domid + "/periodic-checkpoints")
			.contentType(MediaType.APPLICATION_JSON)
			.content(body), 202));
		assertThat(op.get("state").asString()).as(op.toString()).isEqualTo("SUCCEEDED");
		return op;
	}

	/** Suspends the guest and waits for the suspend to succeed. */
	private JsonNode suspend(int domid, String strategy) throws Exception {
		JsonNode suspended = awaitEnd(call(post("/api/v1/domains/" + domid + "/suspend")
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"strategy\":\"" + strategy + "\",\"quiesceTimeoutMs\":5000}"), 202));
		assertThat(suspended.get("state").asString()).as(suspended.toString()).isEqualTo("SUCCEEDED");
		return suspended;
	}

	private JsonNode restore(String checkpoint, int target) throws Exception {
		return awaitEnd(call(post("/api/v1/checkpoints/" + checkpoint + "/restore")
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"targetDomid\":" + target + "}"), 202));
	}

	/** Refused at VERIFY_CHECKPOINT, before the hypervisor started anything, naming the reason. */
	private static void assertNameInUse(JsonNode operation) {
		assertThat(operation.get("state").asString()).as(operation.toString()).isEqualTo("RESUME_FAILED");
		assertThat(operation.get("error").get("code").asString()).isEqualTo("CHECKPOINT_NOT_RESUMABLE");
		assertThat(operation.get("error").get("reasons")).singleElement()
			.satisfies(r -> assertThat(r.asString()).isEqualTo("a running domain already has the saved guest's name"));
		for (JsonNode phase : operation.get("phases")) {
			if (!phase.get("name").asString().equals("VERIFY_CHECKPOINT")) {
				assertThat(phase.get("state").asString()).as(phase.toString()).isNotIn("RUNNING", "DONE", "FAILED");
			}
		}
	}

	@Test
	void aGuestWhoseBackendsDoNotAnswerIsRefusedBeforeAnythingIsDoneToIt() throws Exception {
		int domid = 31;
		call(post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(domid)), 201);
		startWorkload(domid);
		long issued = awaitIssued(domid, 20);
		fault("{\"kind\":\"BACKENDS_STALL\",\"domid\":" + domid + ",\"stall\":true}");

		JsonNode check = call(get("/api/v1/domains/" + domid + "/suspend-check?strategy=SUSPEND_RESUME"), 200);
		assertThat(check.get("suspendable").asBoolean()).isFalse();
		assertThat(check.get("hostChecked").asBoolean()).isTrue();
		assertThat(check.get("reasons").findValuesAsString("code")).containsOnly("BACKEND_NOT_RESPONDING").hasSize(2);
		JsonNode checkpoint = checkpoint(domid,
				"{\"strategy\":\"SUSPEND_RESUME\",\"quiesceTimeoutMs\":2000,\"deadlineMs\":60000}");

		// refused before the quiesce, not timed out part-way with the devices torn down
		assertThat(checkpoint.get("state").asString()).as(checkpoint.toString()).isEqualTo("ROLLED_BACK");
		assertThat(checkpoint.get("error").get("code").asString()).isEqualTo("GUEST_NOT_SUSPENDABLE");
		assertThat(checkpoint.get("error").get("reasons").toString()).contains("vbd/51712", "vif/0");
		assertThat(checkpoint.get("phases").get(0).get("state").asString()).isNotEqualTo("SUCCEEDED");
		assertThat(call(get("/api/v1/domains/" + domid), 200).get("state").asString()).isEqualTo("RUNNING");

		fault("{\"kind\":\"BACKENDS_STALL\",\"domid\":" + domid + ",\"stall\":false}");
		awaitIssued(domid, issued + 20);
		assertThat(call(get("/api/v1/domains/" + domid + "/suspend-check?strategy=SHADOW_REPLAY"), 200).get("suspendable").asBoolean()).isTrue();
		assertThat(checkpoint(domid, Guests.SUSPEND_RESUME).get("state").asString()).isEqualTo("SUCCEEDED");
	}

	@Test
	void theSimulatorsFaultsAndWorkloadsAreForAdminsOnly() throws Exception {
		int domid = 32;
		call(post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(domid)), 201);
		String fault = "{\"kind\":\"BACKENDS_STALL\",\"domid\":" + domid + ",\"stall\":false}";
		for (String token : new String[] { TestTokens.VIEWER, TestTokens.OPERATOR }) {
			assertThat(status(post("/api/v1/simulator/faults").contentType(MediaType.APPLICATION_JSON)
				.content(fault)
				.with(TestTokens.bearer(token)))).isEqualTo(403);
			assertThat(status(post("/api/v1/domains/" + domid + "/workload").contentType(MediaType.APPLICATION_JSON)
				.content("{\"action\":\"START\"}")
				.with(TestTokens.bearer(token)))).isEqualTo(403);
		}
		assertThat(call(get("/api/v1/domains/" + domid + "/workload").with(TestTokens.bearer(TestTokens.VIEWER)), 200)
			.get("running").asBoolean()).isFalse();
		call(post("/api/v1/simulator/faults").contentType(MediaType.APPLICATION_JSON)
			.content(fault)
			.with(TestTokens.bearer(TestTokens.ADMIN)), 204);
		call(post("/api/v1/domains/" + domid + "/workload").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"START\"}")
			.with(TestTokens.bearer(TestTokens.ADMIN)), 200);
		call(post("/api/v1/domains/" + domid + "/workload").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"STOP\"}")
			.with(TestTokens.bearer(TestTokens.ADMIN)), 200);
	}

	private int status(org.springframework.test.web.servlet.RequestBuilder request) throws Exception {
		return mvc.perform(request).andReturn().getResponse().getStatus();
	}

	private void fault(String json) throws Exception {
		call(post("/api/v1/simulator/faults").contentType(MediaType.APPLICATION_JSON).content(json), 204);
	}

	/** A live checkpoint of {@code domid} as {@code body} asks, once it has ended. */
	private JsonNode checkpoint(int domid, String body) throws Exception {
		return awaitEnd(call(post("/api/v1/domains/" + domid + "/checkpoints").contentType(MediaType.APPLICATION_JSON)
			.content(body), 202));
	}

	private void startWorkload(int domid) throws Exception {
		JsonNode status = call(get("/api/v1/domains/" + domid + "/workload"), 200);
		if (!status.get("running").asBoolean()) {
			call(post("/api/v1/domains/" + domid + "/workload").contentType(MediaType.APPLICATION_JSON)
				.content("{\"action\":\"START\"}"), 200);
		}
	}

	private long awaitIssued(int domid, long atLeast) {
		long[] issued = new long[1];
		await().atMost(Duration.ofSeconds(60)).until(() -> {
			issued[0] = call(get("/api/v1/domains/" + domid + "/devices/vbd/51712/stats"), 200).get("issued").asLong();
			return issued[0] >= atLeast;
		});
		return issued[0];
	}

	private void assertExactlyOnceAndNothingLost(int domid, long issuedBeforeSuspend) throws Exception {
		startWorkload(domid);
		awaitIssued(domid, issuedBeforeSuspend + 50);
		call(post("/api/v1/domains/" + domid + "/workload").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"STOP\"}"), 200);
		await().atMost(Duration.ofSeconds(60))
			.until(() -> call(get("/api/v1/domains/" + domid + "/devices/vbd/51712/stats"), 200).get("inFlight")
				.asLong() == 0);
		JsonNode vbd = call(get("/api/v1/domains/" + domid + "/devices/vbd/51712/stats"), 200);
		assertThat(vbd.get("lost").asLong()).as(vbd.toString()).isZero();
		assertThat(vbd.get("duplicated").asLong()).as(vbd.toString()).isZero();
		assertThat(vbd.get("verifyFailures").asLong()).as(vbd.toString()).isZero();
		assertThat(vbd.get("completed").asLong()).as(vbd.toString()).isEqualTo(vbd.get("issued").asLong());
		assertThat(vbd.get("completed").asLong()).isGreaterThanOrEqualTo(issuedBeforeSuspend);
		JsonNode vif = call(get("/api/v1/domains/" + domid + "/devices/vif/0/stats"), 200);
		assertThat(vif.get("duplicated").asLong()).as(vif.toString()).isZero();
		assertThat(call(post("/api/v1/domains/" + domid + "/workload/verify"), 200).get("mismatches").asLong()).isZero();
	}

	private JsonNode awaitEnd(JsonNode accepted) {
		String id = accepted.get("id").asString();
		JsonNode[] last = new JsonNode[1];
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
			last[0] = call(get("/api/v1/operations/" + id), 200);
			String state = last[0].get("state").asString();
			return !state.equals("PENDING") && !state.equals("RUNNING");
		});
		return last[0];
	}

	private JsonNode call(RequestBuilder request, int status) throws Exception {
		MvcResult r = mvc.perform(request).andReturn();
		assertThat(r.getResponse().getStatus()).as(r.getResponse().getContentAsString()).isEqualTo(status);
		return json.readTree(r.getResponse().getContentAsString());
	}

}

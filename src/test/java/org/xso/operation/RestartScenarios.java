package org.xso.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.RequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;
import org.xso.XsoApplication;
import org.xso.support.ContractValidation;
import org.xso.support.FakeHypervisor;
import org.xso.support.FakeHypervisorConfiguration;
import org.xso.support.Guests;
import org.xso.support.TestJwts;
import org.xso.support.TestTokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stops the application and starts a new one on the same database, as a restart or a crash does.
 * Each context has its own (empty) test hypervisor, as an in-process simulator would after a
 * restart. A "crash" is a hypervisor call that never returns while the context is closed without
 * grace: the operation stays RUNNING in the database with its lease, exactly as a killed process
 * leaves it.
 */
abstract class RestartScenarios {

	private final JsonMapper json = JsonMapper.builder().build();

	private ConfigurableApplicationContext context;

	/** The database both contexts use. */
	abstract Map<String, String> database();

	@AfterEach
	void stop() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void resumesASuspendedGuestFromItsCheckpointAloneAfterARestart() throws Exception {
		Map<String, String> db = database();
		MockMvc first = start(db, "node-a");
		createDomain(first, 1);
		call(first, post("/api/v1/domains/1/workload").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"START\"}"), 200);
		JsonNode suspend = awaitEnd(first, call(first, post("/api/v1/domains/1/suspend")
			.contentType(MediaType.APPLICATION_JSON).content(Guests.SHADOW_REPLAY), 202));
		assertThat(suspend.get("state").asString()).isEqualTo("SUCCEEDED");
		context.close();

		MockMvc second = start(db, "node-a");
		JsonNode domain = call(second, get("/api/v1/domains/1"), 200);
		assertThat(domain.get("state").asString()).isEqualTo("SUSPENDED");
		assertThat(domain.get("powerState").asString()).isEqualTo("ABSENT");
		JsonNode resumed = awaitEnd(second, call(second, post("/api/v1/domains/1/resume"), 202));
		assertThat(resumed.get("state").asString()).isEqualTo("SUCCEEDED");
		call(second, post("/api/v1/domains/1/workload").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"START\"}"), 200);
		JsonNode verify = call(second, post("/api/v1/domains/1/workload/verify"), 200);
		assertThat(verify.get("mismatches").asLong()).isZero();
		JsonNode stats = call(second, get("/api/v1/domains/1/devices/vbd/51712/stats"), 200);
		assertThat(stats.get("lost").asLong()).isZero();
		assertThat(stats.get("duplicated").asLong()).isZero();
	}

	@Test
	void resumesASimulatedGuestWithItsWorkloadAfterARestart(@TempDir Path snapshots) throws Exception {
		Map<String, String> db = new HashMap<>(database());
		db.put("xso.hypervisor", "sim");
		db.put("xso.sim.snapshot-dir", snapshots.toString());
		MockMvc first = start(db, "node-a");
		createDomain(first, 1);
		call(first, post("/api/v1/domains/1/workload").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"START\"}"), 200);
		Thread.sleep(100);
		JsonNode suspend = awaitEnd(first, call(first, post("/api/v1/domains/1/suspend")
			.contentType(MediaType.APPLICATION_JSON).content(Guests.SHADOW_REPLAY), 202));
		assertThat(suspend.get("state").asString()).isEqualTo("SUCCEEDED");
		context.close(); // the simulator goes with the process: only the database and the snapshots stay
		// what a save leaves when the service dies before its checkpoint is stored
		Path orphan = snapshots.resolve(java.util.UUID.randomUUID() + ".vdisk");
		java.nio.file.Files.write(orphan, new byte[4096]);

		MockMvc second = start(db, "node-a");
		assertThat(orphan).as("a disk snapshot no stored checkpoint references").doesNotExist();
		assertThat(call(second, get("/api/v1/domains/1"), 200).get("state").asString()).isEqualTo("SUSPENDED");
		JsonNode resumed = awaitEnd(second, call(second, post("/api/v1/domains/1/resume"), 202));
		assertThat(resumed.get("state").asString()).as(resumed.toString()).isEqualTo("SUCCEEDED");
		long before = call(second, get("/api/v1/domains/1/devices/vbd/51712/stats"), 200).get("completed").asLong();
		await().atMost(Duration.ofSeconds(60)).until(() -> call(second,
				get("/api/v1/domains/1/devices/vbd/51712/stats"), 200).get("completed").asLong() > before + 100);
		JsonNode verify = call(second, post("/api/v1/domains/1/workload/verify"), 200);
		assertThat(verify.get("mismatches").asLong()).isZero();
		assertThat(verify.get("writtenSectors").asLong()).as("intact writes read back").isPositive();
		// a verify leaves the workload running: stop it and let what is in flight complete
		call(second, post("/api/v1/domains/1/workload").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"STOP\"}"), 200);
		await().atMost(Duration.ofSeconds(60)).until(() -> call(second,
				get("/api/v1/domains/1/devices/vbd/51712/stats"), 200).get("inFlight").asLong() == 0);
		JsonNode stats = call(second, get("/api/v1/domains/1/devices/vbd/51712/stats"), 200);
		assertThat(stats.get("lost").asLong()).isZero();
		assertThat(stats.get("duplicated").asLong()).isZero();
		assertThat(stats.get("completed").asLong()).isEqualTo(stats.get("issued").asLong());
	}

	@Test
	void rollsForwardASuspendInterruptedAfterItsCheckpointWasStored() throws Exception {
		Map<String, String> db = database();
		MockMvc first = start(db, "node-a");
		createDomain(first, 1);
		hypervisor().hang(FakeHypervisor.Call.SUSPEND);
		JsonNode accepted = call(first, post("/api/v1/domains/1/suspend").contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SHADOW_REPLAY), 202);
		assertThat(hypervisor().awaitArrival(FakeHypervisor.Call.SUSPEND, Duration.ofSeconds(30))).isTrue();
		context.close(); // the "crash": the operation is RUNNING in phase SUSPEND with its checkpoint stored

		MockMvc second = start(db, "node-a");
		JsonNode op = call(second, get("/api/v1/operations/" + accepted.get("id").asString()), 200);
		assertThat(op.get("state").asString()).isEqualTo("SUCCEEDED");
		assertThat(op.get("recoveryNote").asString()).contains("suspend was completed");
		assertThat(call(second, get("/api/v1/domains/1"), 200).get("state").asString()).isEqualTo("SUSPENDED");
		assertThat(awaitEnd(second, call(second, post("/api/v1/domains/1/resume"), 202)).get("state").asString())
			.isEqualTo("SUCCEEDED");
	}

	@Test
	void finishesAnInterruptedSuspendInItsRequestersNameAndReconcilesInTheServicesOwn() throws Exception {
		Map<String, String> db = database();
		MockMvc first = start(db, "node-a");
		createDomain(first, 1);
		createDomain(first, 2);
		hypervisor().hang(FakeHypervisor.Call.SUSPEND);
		JsonNode accepted = call(first, post("/api/v1/domains/1/suspend")
			.with(TestTokens.bearer(TestJwts.jwt("alice", "operator")))
			.contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SHADOW_REPLAY), 202);
		assertThat(hypervisor().awaitArrival(FakeHypervisor.Call.SUSPEND, Duration.ofSeconds(30))).isTrue();
		context.close(); // the host goes with the service: guest 2 is started again by reconciliation

		MockMvc second = start(db, "node-a");
		String id = accepted.get("id").asString();
		JsonNode op = call(second, get("/api/v1/operations/" + id), 200);
		assertThat(op.get("state").asString()).isEqualTo("SUCCEEDED");
		assertThat(op.get("requestedBy").asString()).as("read from its row, not from a request").isEqualTo("alice");
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		await().atMost(Duration.ofSeconds(60))
			.until(() -> jdbc.queryForObject("select count(*) from event_log where operation_id = ?"
					+ " and event_type = 'domain.state'", Integer.class, UUID.fromString(id)) == 1
					&& jdbc.queryForObject("select count(*) from event_log where domid = 2"
							+ " and event_type = 'domain.recreated'", Integer.class) == 1);
		// what recovery finished of alice's suspend (the domain SUSPENDED, the operation's end) is hers
		assertThat(jdbc.queryForList("select distinct principal from event_log where operation_id = ?", String.class,
				UUID.fromString(id)))
			.containsExactly("alice");
		assertThat(jdbc.queryForList("select principal from event_log where domid = 2"
				+ " and event_type = 'domain.recreated'", String.class))
			.containsExactly("system");
	}

	@Test
	void runsASuspendInterruptedBeforeItsCheckpointAgainOnItsRecreatedGuest() throws Exception {
		Map<String, String> db = database();
		MockMvc first = start(db, "node-a");
		createDomain(first, 1);
		hypervisor().hang(FakeHypervisor.Call.QUIESCE);
		JsonNode accepted = call(first, post("/api/v1/domains/1/suspend").contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SUSPEND_RESUME), 202);
		assertThat(hypervisor().awaitArrival(FakeHypervisor.Call.QUIESCE, Duration.ofSeconds(30))).isTrue();
		context.close(); // nothing of the suspend was durable: its row still says PENDING

		MockMvc second = start(db, "node-a");
		JsonNode op = awaitEnd(second, accepted);
		assertThat(op.get("state").asString()).as(op.toString()).isEqualTo("SUCCEEDED");
		assertThat(op.get("recoveryNote").asString()).contains("run after the restart");
		assertThat(op.get("attempts").asInt()).isEqualTo(1);
		JsonNode domain = call(second, get("/api/v1/domains/1"), 200);
		assertThat(domain.get("state").asString()).isEqualTo("SUSPENDED");
		assertThat(domain.get("suspendCheckpointId").asString()).isEqualTo(op.get("checkpointId").asString());
		assertThat(domain.has("lease")).isFalse();
	}

	@Test
	void continuesAPeriodicScheduleOnItsGuestStartedAgainAfterARestart() throws Exception {
		Map<String, String> db = database();
		MockMvc first = start(db, "node-a");
		createDomain(first, 1);
		hypervisor().hang(FakeHypervisor.Call.SAVE);
		JsonNode accepted = call(first, post("/api/v1/domains/1/periodic-checkpoints")
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"strategy\":\"SHADOW_REPLAY\",\"intervalMs\":50,\"count\":3}"), 202);
		assertThat(hypervisor().awaitArrival(FakeHypervisor.Call.SAVE, Duration.ofSeconds(30))).isTrue();
		context.close(); // the host went with the service: the new hypervisor has no guest 1

		MockMvc second = start(db, "node-a");
		JsonNode op = awaitEnd(second, accepted);
		assertThat(op.get("state").asString()).as(op.toString()).isEqualTo("SUCCEEDED");
		assertThat(op.get("periodic").get("epochsCompleted").asInt()).isEqualTo(3);
		assertThat(op.get("recoveryNote").asString()).contains("started again from its disks")
			.contains("the schedule continues at epoch 1");
		JsonNode domain = call(second, get("/api/v1/domains/1"), 200);
		assertThat(domain.get("state").asString()).isEqualTo("RUNNING");
		assertThat(domain.get("powerState").asString()).isEqualTo("RUNNING");
		assertThat(domain.has("lease")).isFalse();
	}

	@Test
	void runsAnAcceptedOperationThatWasStillQueuedOnceItsGuestIsBack() throws Exception {
		Map<String, String> db = new HashMap<>(database());
		db.put("xso.operations.workers", "1"); // the second suspend waits in the queue behind the first
		MockMvc first = start(db, "node-a");
		createDomain(first, 1);
		createDomain(first, 2);
		hypervisor().hang(FakeHypervisor.Call.QUIESCE);
		JsonNode running = call(first, post("/api/v1/domains/2/suspend").contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SHADOW_REPLAY), 202);
		assertThat(hypervisor().awaitArrival(FakeHypervisor.Call.QUIESCE, Duration.ofSeconds(30))).isTrue();
		// its deadline counts from acceptance and must outlive the restart, however slow the machine
		JsonNode queued = call(first, post("/api/v1/domains/1/suspend").contentType(MediaType.APPLICATION_JSON)
			.content("{\"strategy\": \"SHADOW_REPLAY\", \"quiesceTimeoutMs\": 2000, \"deadlineMs\": 600000}"), 202);
		assertThat(queued.get("state").asString()).isEqualTo("PENDING");
		context.close();

		MockMvc second = start(db, "node-a");
		JsonNode suspended = awaitEnd(second, queued);
		assertThat(suspended.get("state").asString()).as(suspended.toString()).isEqualTo("SUCCEEDED");
		assertThat(suspended.get("recoveryNote").asString()).contains("run after the restart");
		assertThat(call(second, get("/api/v1/domains/1"), 200).get("state").asString()).isEqualTo("SUSPENDED");
		// the one that was quiescing had written nothing either: it runs again too, on its guest started
		// again from its disks
		JsonNode interrupted = awaitEnd(second, running);
		assertThat(interrupted.get("state").asString()).as(interrupted.toString()).isEqualTo("SUCCEEDED");
		assertThat(interrupted.get("recoveryNote").asString()).contains("run after the restart");
		JsonNode domain2 = call(second, get("/api/v1/domains/2"), 200);
		assertThat(domain2.get("state").asString()).isEqualTo("SUSPENDED");
	}

	@Test
	void anotherInstanceTakesOverAnExpiredLease() throws Exception {
		Map<String, String> db = new HashMap<>(database());
		db.put("xso.domains.lease-ttl", "PT3S"); // outlives the restart: the sweep, not the startup, recovers
		db.put("xso.operations.recovery-interval", "PT0.5S");
		db.put("xso.operations.lease-renew-interval", "PT1S");
		MockMvc first = start(db, "node-a");
		createDomain(first, 1);
		hypervisor().hang(FakeHypervisor.Call.SAVE);
		JsonNode accepted = call(first, post("/api/v1/domains/1/checkpoints").contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SHADOW_REPLAY), 202);
		assertThat(hypervisor().awaitArrival(FakeHypervisor.Call.SAVE, Duration.ofSeconds(30))).isTrue();
		context.close();

		MockMvc second = start(db, "node-b");
		String id = accepted.get("id").asString();
		// it had written nothing since it was accepted: node-b runs it once node-a's lease has expired
		JsonNode taken = awaitEnd(second, accepted);
		assertThat(taken.get("state").asString()).as(taken.toString()).isEqualTo("SUCCEEDED");
		assertThat(taken.get("owner").asString()).isEqualTo("node-b");
		assertThat(taken.get("recoveryNote").asString()).contains("run after the restart");
		assertThat(call(second, get("/api/v1/domains/1"), 200).get("state").asString()).isEqualTo("RUNNING");
		JsonNode again = awaitEnd(second, call(second, post("/api/v1/domains/1/checkpoints")
			.contentType(MediaType.APPLICATION_JSON).content(Guests.SHADOW_REPLAY), 202));
		assertThat(again.get("state").asString()).isEqualTo("SUCCEEDED");
		assertThat(again.get("owner").asString()).isEqualTo("node-b");
	}

	private MockMvc start(Map<String, String> db, String instance) {
		Map<String, Object> props = new HashMap<>(db);
		props.put("server.port", "0");
		props.putIfAbsent("xso.hypervisor", "fake");
		props.put("xso.demo.enabled", "false");
		props.put("xso.instance-id", instance);
		props.put("xso.operations.shutdown-grace", "PT0S");
		// command-line arguments: they take precedence over application.yml, as default properties do not
		String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
		Class<?>[] sources = "fake".equals(props.get("xso.hypervisor"))
				? new Class<?>[] { XsoApplication.class, FakeHypervisorConfiguration.class, TestJwts.class }
				: new Class<?>[] { XsoApplication.class, TestJwts.class };
		context = new SpringApplicationBuilder(sources)
			.web(WebApplicationType.SERVLET)
			.run(args);
		return MockMvcBuilders.webAppContextSetup((WebApplicationContext) context)
			.apply(org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity())
			.defaultRequest(get("/").header("Authorization", "Bearer " + TestTokens.ADMIN))
			.alwaysDo(ContractValidation.handler())
			.build();
	}

	private FakeHypervisor hypervisor() {
		return context.getBean(FakeHypervisor.class);
	}

	private void createDomain(MockMvc mvc, int domid) throws Exception {
		call(mvc, post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON).content(Guests.json(domid)), 201);
	}

	private JsonNode awaitEnd(MockMvc mvc, JsonNode accepted) {
		String id = accepted.get("id").asString();
		JsonNode[] last = new JsonNode[1];
		// a condition, not a speed: on a machine whose cores are busy elsewhere a restarted instance's
		// sweep, the lease's expiry and the run can take more than a minute
		try {
			org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(5)).until(() -> {
				last[0] = call(mvc, get("/api/v1/operations/" + id), 200);
				return !last[0].get("state").asString().equals("RUNNING")
						&& !last[0].get("state").asString().equals("PENDING");
			});
		}
		catch (org.awaitility.core.ConditionTimeoutException e) {
			throw new AssertionError("operation " + id + " did not end; last read: " + last[0], e);
		}
		return last[0];
	}

	private JsonNode call(MockMvc mvc, RequestBuilder request, int status) throws Exception {
		MvcResult r = mvc.perform(request).andReturn();
		assertThat(r.getResponse().getStatus()).as(r.getResponse().getContentAsString()).isEqualTo(status);
		return json.readTree(r.getResponse().getContentAsString());
	}

}

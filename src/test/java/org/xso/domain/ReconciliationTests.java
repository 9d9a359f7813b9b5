package org.xso.domain;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.xso.hypervisor.DeviceId;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.PowerState;
import org.xso.hypervisor.HypervisorException;
import org.xso.support.FakeHypervisor;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import org.xso.xen.DomId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/** At startup the database and the hypervisor are made to agree. */
@ExtendWith(OutputCaptureExtension.class)
class ReconciliationTests extends IntegrationTest {

	/** A name that would forge a log line, colour the terminal, reverse what follows and end a C string. */
	private static final String HOSTILE = "x\n\u001b[31mFAKE LOG LINE\u202E\u0000";

	private static final String ESCAPED = "\"x\\n\\u001b[31mFAKE LOG LINE\\u202e\\u0000\"";

	@Autowired
	DomainReconciler reconciler;

	@Test
	void recreatesARunningDomainTheHypervisorNoLongerKnowsAndSaysSo() throws Exception {
		createDomain(1);
		long since = jdbc.queryForObject("select coalesce(max(id), 0) from event_log", Long.class);
		hypervisor.destroy(DomId.guest(1), Duration.ofSeconds(1));
		reconciler.reconcile();
		assertThat(hypervisor.power(1)).contains(PowerState.RUNNING);
		assertThat(call(get("/api/v1/domains/1"), 200).get("devices").findValuesAsString("frontendState"))
			.containsOnly("Connected");
		await().until(() -> jdbc.queryForObject(
				"select count(*) from event_log where event_type = 'domain.recreated' and domid = 1 and id > ?",
				Integer.class, since) == 1);
	}

	@Test
	void pausesAgainThePausedDomainsGuestThatRunsAndRecreatesOneThatIsGonePaused() throws Exception {
		createDomain(1);
		createDomain(2);
		call(post("/api/v1/domains/1/pause"), 200);
		call(post("/api/v1/domains/2/pause"), 200);
		hypervisor.unpause(DomId.guest(1), Duration.ofSeconds(1));
		hypervisor.destroy(DomId.guest(2), Duration.ofSeconds(1));

		reconciler.reconcile();

		assertThat(hypervisor.paused(1)).as("running, paused again").isTrue();
		assertThat(hypervisor.paused(2)).as("gone, created again and paused").isTrue();
		for (int domid : new int[] { 1, 2 }) {
			var d = call(get("/api/v1/domains/" + domid), 200);
			assertThat(d.get("state").asString()).isEqualTo("PAUSED");
			assertThat(d.get("powerState").asString()).isEqualTo("PAUSED");
			assertThat(d.get("devices").findValuesAsString("frontendState")).containsOnly("Connected");
		}
		await().until(() -> jdbc.queryForObject("select count(*) from event_log where event_type = 'domain.recreated'"
				+ " and domid = 2 and payload like '%paused%'", Integer.class) == 1);
		assertThat(call(post("/api/v1/domains/2/unpause"), 200).get("powerState").asString()).isEqualTo("RUNNING");
	}

	/** A pause the service stopped before recording it: the guest is paused, its domain RUNNING. */
	@Test
	void unpausesTheGuestOfARunningDomainThatIsPaused() throws Exception {
		createDomain(1);
		hypervisor.pause(DomId.guest(1), Duration.ofSeconds(1));
		reconciler.reconcile();
		assertThat(hypervisor.power(1)).contains(PowerState.RUNNING);
		assertThat(call(get("/api/v1/domains/1"), 200).get("state").asString()).isEqualTo("RUNNING");
	}

	@Test
	void faultsAPausedDomainWhoseGuestCannotBePausedAgain() throws Exception {
		createDomain(1);
		call(post("/api/v1/domains/1/pause"), 200);
		hypervisor.unpause(DomId.guest(1), Duration.ofSeconds(1));
		hypervisor.failNext(FakeHypervisor.Call.PAUSE, HypervisorException.Reason.BACKEND_TIMEOUT);
		reconciler.reconcile();
		var d = call(get("/api/v1/domains/1"), 200);
		assertThat(d.get("state").asString()).isEqualTo("FAULTED");
		assertThat(d.get("stateReason").asString()).contains("PAUSED", "could not be paused");
		assertThat(d.get("powerState").asString()).isEqualTo("RUNNING");
	}

	@Test
	void leavesASuspendedDomainSuspendedAndResumable() throws Exception {
		createDomain(1);
		suspend(1, Guests.SHADOW_REPLAY);
		reconciler.reconcile();
		assertThat(hypervisor.power(1)).isEmpty();
		assertThat(call(get("/api/v1/domains/1"), 200).get("state").asString()).isEqualTo("SUSPENDED");
		assertThat(resume(1).get("state").asString()).isEqualTo("SUCCEEDED");
	}

	/**
	 * A FAULTED domain is cleared only when every device it has is there and connected: a guest
	 * listed without one (a vbd gone, or a guest whose xenstore record was lost and that the libxl
	 * adapter lists without devices) stays FAULTED.
	 */
	@Test
	void clearsAFaultedDomainOnlyWhenEveryStoredDeviceIsConnected() throws Exception {
		createDomain(1);
		createDomain(2);
		jdbc.update("update domains set state = 'FAULTED' where domid in (1, 2)");
		hypervisor.detach(DomId.guest(2), DeviceId.vbd(51712), Duration.ofSeconds(1));
		reconciler.reconcile();
		assertThat(call(get("/api/v1/domains/1"), 200).get("state").asString()).isEqualTo("RUNNING");
		assertThat(call(get("/api/v1/domains/2"), 200).get("state").asString()).isEqualTo("FAULTED");
	}

	@Test
	void adoptsAGuestTheHypervisorRunsButTheDatabaseDoesNotKnow() throws Exception {
		hypervisor.create(Optional.of(DomId.guest(7)), new GuestSpec("stray", 128, 1,
				List.of(new DeviceSpec.Vif(0, DomId.DOM0, "00:16:3e:00:00:77"))), Duration.ofSeconds(1));
		reconciler.reconcile();
		var d = call(get("/api/v1/domains/7"), 200);
		assertThat(d.get("name").asString()).isEqualTo("stray");
		assertThat(d.get("state").asString()).isEqualTo("RUNNING");
	}

	@Test
	void logsAStoredHostileNameEscapedOnOneLine(CapturedOutput output) throws Exception {
		// a row from before names were restricted: the API refuses this name, the database holds it
		jdbc.update("insert into domains (domid, name, memory_mib, vcpus, state, checkpoint_retention, created_at, "
				+ "updated_at, version) values (9, ?, 128, 1, 'RUNNING', 3, current_timestamp, current_timestamp, 0)",
				HOSTILE);
		reconciler.reconcile();
		assertThat(hypervisor.power(9)).contains(PowerState.RUNNING);
		assertThat(lineWith(output, "Re-created domain 9 ")).endsWith("Re-created domain 9 (" + ESCAPED
				+ ") from its stored config");
		assertForgedNothing(output);
		assertThat(call(get("/api/v1/domains/9"), 200).get("name").asString()).isEqualTo(HOSTILE);
	}

	@Test
	void logsAHostileNameOfAnAdoptedGuestEscapedOnOneLine(CapturedOutput output) throws Exception {
		hypervisor.create(Optional.of(DomId.guest(7)), new GuestSpec(HOSTILE, 128, 1, List.of()), Duration.ofSeconds(1));
		reconciler.reconcile();
		assertThat(lineWith(output, "Adopted domain 7 ")).endsWith("Adopted domain 7 (" + ESCAPED
				+ ") that the hypervisor runs");
		assertForgedNothing(output);
	}

	private static String lineWith(CapturedOutput output, String text) {
		List<String> lines = output.getAll().lines().filter(l -> l.contains(text)).toList();
		assertThat(lines).as(output.getAll()).hasSize(1);
		return lines.get(0);
	}

	private static void assertForgedNothing(CapturedOutput output) {
		assertThat(output.getAll().lines()).noneMatch(l -> l.startsWith("\u001b[31mFAKE") || l.startsWith("FAKE"));
		assertThat(output.getAll()).doesNotContain("\u001b[31mFAKE", "\u202E", "\u0000");
	}

}

package org.xso.domain;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.xso.hypervisor.DeviceSpec;
import org.xso.hypervisor.GuestSpec;
import org.xso.hypervisor.PowerState;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import org.xso.xen.DomId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/** At startup the database and the hypervisor are made to agree. */
class ReconciliationTests extends IntegrationTest {

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
	void leavesASuspendedDomainSuspendedAndResumable() throws Exception {
		createDomain(1);
		suspend(1, Guests.SHADOW_REPLAY);
		reconciler.reconcile();
		assertThat(hypervisor.power(1)).isEmpty();
		assertThat(call(get("/api/v1/domains/1"), 200).get("state").asString()).isEqualTo("SUSPENDED");
		assertThat(resume(1).get("state").asString()).isEqualTo("SUCCEEDED");
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

}

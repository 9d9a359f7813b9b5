package org.xso.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.sql.Timestamp;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import tools.jackson.databind.JsonNode;

/** The host registry of one instance: registration, heartbeat, the states it shows, and fencing. */
class HostRegistryTests extends IntegrationTest {

	@Autowired
	HostRegistry registry;

	@AfterEach
	void serveAgain() {
		jdbc.update("delete from domain_leases");
		jdbc.update("delete from operations");
		registry.register();
	}

	@Test
	void theInstanceRegistersItsHostAtStartupAndHeartBeats() throws Exception {
		JsonNode host = body(mvc.perform(get("/api/v1/hosts/local")).andReturn());
		assertThat(host.get("state").asString()).isEqualTo("UP");
		assertThat(host.get("instanceId").asString()).isEqualTo("test-instance");
		assertThat(host.get("adapter").asString()).isEqualTo("fake");
		assertThat(host.get("local").asBoolean()).isTrue();
		JsonNode health = body(mvc.perform(get("/actuator/health")).andReturn()).get("components").get("host");
		assertThat(health.get("status").asString()).isEqualTo("UP");
		assertThat(health.get("details").get("serving").asBoolean()).isTrue();

		clock.advance(Duration.ofSeconds(11));
		assertThat(body(mvc.perform(get("/api/v1/hosts/local")).andReturn()).get("state").asString()).isEqualTo("DOWN");
		registry.heartbeat();
		assertThat(body(mvc.perform(get("/api/v1/hosts/local")).andReturn()).get("state").asString()).isEqualTo("UP");

		registry.destroy();
		JsonNode stopped = body(mvc.perform(get("/api/v1/hosts")).andReturn()).get("items").get(0);
		assertThat(stopped.get("state").asString()).isEqualTo("STOPPED");
		assertThat(stopped.has("stoppedAt")).isTrue();
	}

	@Test
	void whatItsOwnHostReportedIsKnownWithoutARead() {
		HostView row = registry.find("local").orElseThrow();
		// the row changed behind its back: what this instance registered is what it reported
		jdbc.update("update hosts set backends = '[]', storage_id = 'elsewhere' where name = 'local'");
		HostView reported = registry.reported("local").orElseThrow();
		assertThat(reported.backends()).isEqualTo(row.backends()).isNotEmpty();
		assertThat(reported.storageId()).isEqualTo(row.storageId());
		assertThat(reported.adapter()).isEqualTo("fake");
		// another host's, and its own once another instance serves it, come from the row
		jdbc.update("insert into hosts (name, adapter, hypervisor_version, instance_id, started_at, heartbeat_at,"
				+ " backends) values ('other', 'sim', 'x', 'i2', ?, ?, '[]')", Timestamp.from(clock.instant()),
				Timestamp.from(clock.instant()));
		assertThat(registry.reported("other").orElseThrow().backends()).isEmpty();
		jdbc.update("update hosts set instance_id = 'newer', heartbeat_at = ? where name = 'local'",
				Timestamp.from(clock.instant()));
		registry.heartbeat();
		assertThat(registry.reported("local").orElseThrow().backends()).isEmpty();
		jdbc.update("delete from hosts where name = 'other'");
	}

	@Test
	void anInstanceWhoseHostAnotherRegisteredStopsServingItAndHandsItsGuestsOver() throws Exception {
		createDomain(1);
		// another instance registers this host (a rolling update, or a second instance given its name)
		jdbc.update("update hosts set instance_id = 'newer', heartbeat_at = ? where name = 'local'",
				Timestamp.from(clock.instant()));
		registry.heartbeat();
		assertThat(registry.serving()).isFalse();
		// its simulated host stopped: the guests run on the instance serving the host now, once
		assertThat(hypervisor.guests()).isEmpty();
		assertThat(body(mvc.perform(get("/api/v1/hosts/local")).andReturn()).get("local").asBoolean()).isFalse();
		JsonNode health = body(mvc.perform(get("/actuator/health")).andReturn()).get("components").get("host");
		assertThat(health.get("status").asString()).as("it still answers: UP").isEqualTo("UP");
		assertThat(health.get("details").get("serving").asBoolean()).isFalse();
		assertThat(health.get("details").get("servedBy").asString()).isEqualTo("newer");

		// an operation on the host's guest goes to the instance that serves it now
		JsonNode accepted = body(mvc.perform(post("/api/v1/domains/1/checkpoints").contentType(MediaType.APPLICATION_JSON)
			.content(Guests.SHADOW_REPLAY)).andReturn());
		assertThat(accepted.get("state").asString()).isEqualTo("PENDING");
		assertThat(accepted.get("owner").asString()).isEqualTo("newer");
		assertThat(jdbc.queryForObject("select owner from domain_leases where domid = 1", String.class))
			.isEqualTo("newer");
		// and nothing that calls this instance's hypervisor for it is done here
		assertThat(mvc.perform(post("/api/v1/domains/1/workload").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"STOP\"}")).andReturn().getResponse().getStatus()).isEqualTo(409);
		assertThat(body(mvc.perform(post("/api/v1/domains").contentType(MediaType.APPLICATION_JSON)
			.content(Guests.json(2))).andReturn()).get("code").asString()).isEqualTo("HOST_UNAVAILABLE");
		assertThat(hypervisor.guests()).isEmpty();
	}

}

package org.xso.domain;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MvcResult;
import org.xso.support.FakeHypervisor;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;

class DomainApiTests extends IntegrationTest {

	@Test
	void createsAGuestWithConnectedDevicesAndAnETag() throws Exception {
		MvcResult r = mvc.perform(postJson("/api/v1/domains", Guests.json(3))).andReturn();
		assertThat(r.getResponse().getStatus()).isEqualTo(201);
		assertThat(r.getResponse().getHeader("Location")).isEqualTo("/api/v1/domains/3");
		assertThat(r.getResponse().getHeader("ETag")).isEqualTo("\"0\"");
		JsonNode d = body(r);
		assertThat(d.get("state").asString()).isEqualTo("RUNNING");
		assertThat(d.get("powerState").asString()).isEqualTo("RUNNING");
		JsonNode vbd = d.get("devices").get(0);
		assertThat(vbd.get("type").asString()).isEqualTo("vbd");
		assertThat(vbd.get("frontendState").asString()).isEqualTo("Connected");
		assertThat(vbd.get("backendState").asString()).isEqualTo("Connected");
		assertThat(vbd.get("ringRefs").size()).isEqualTo(1);
		assertThat(vbd.get("evtchns").size()).isEqualTo(1);
		assertThat(vbd.get("counters").get("lost").asLong()).isZero();
		assertThat(d.get("devices").get(1).get("ringRefs").size()).isEqualTo(2);
		assertThat(d.get("storage").get("retention").asInt()).isEqualTo(5);
	}

	@Test
	void takesTheLowestFreeDomidWhenNoneIsGiven() throws Exception {
		createDomain(1);
		JsonNode d = call(postJson("/api/v1/domains", Guests.json(5).replace("\"domid\": 5,", "")), 201);
		assertThat(d.get("domid").asInt()).isEqualTo(2);
	}

	@Test
	void refusesASecondDomainWithTheSameId() throws Exception {
		createDomain(1);
		problem(postJson("/api/v1/domains", Guests.json(1)), 409, "DOMAIN_EXISTS");
	}

	@Test
	void leavesNothingBehindWhenTheHypervisorRefusesTheGuest() throws Exception {
		hypervisor.failNext(FakeHypervisor.Call.CREATE, org.xso.hypervisor.HypervisorException.Reason.OUT_OF_MEMORY);
		problem(postJson("/api/v1/domains", Guests.json(4)), 503, "HOST_OUT_OF_MEMORY");
		problem(get("/api/v1/domains/4"), 404, "DOMAIN_NOT_FOUND");
		assertThat(jdbc.queryForObject("select count(*) from domain_leases", Integer.class)).isZero();
	}

	@Test
	void pagesTheDomainList() throws Exception {
		for (int domid = 1; domid <= 5; domid++) {
			createDomain(domid);
		}
		JsonNode page = call(get("/api/v1/domains?page=1&size=2"), 200);
		assertThat(page.get("totalItems").asLong()).isEqualTo(5);
		assertThat(page.get("totalPages").asInt()).isEqualTo(3);
		assertThat(page.get("items").size()).isEqualTo(2);
		assertThat(page.get("items").get(0).get("domid").asInt()).isEqualTo(3);
		assertThat(call(get("/api/v1/domains?page=9&size=2"), 200).get("items").size()).isZero();
		assertThat(call(get("/api/v1/domains?state=SUSPENDED"), 200).get("totalItems").asLong()).isZero();
	}

	@Test
	void changesRetentionOnlyWithAFreshETag() throws Exception {
		createDomain(1);
		JsonNode p = problem(patch("/api/v1/domains/1").contentType("application/merge-patch+json")
			.header("If-Match", "\"7\"")
			.content("{\"checkpointRetention\": 2}"), 412, "PRECONDITION_FAILED");
		assertThat(p.get("etag").asString()).isEqualTo("\"0\"");
		MvcResult r = mvc.perform(patch("/api/v1/domains/1").contentType("application/merge-patch+json")
			.header("If-Match", "\"0\"")
			.content("{\"checkpointRetention\": 2}")).andReturn();
		assertThat(r.getResponse().getStatus()).isEqualTo(200);
		assertThat(r.getResponse().getHeader("ETag")).isEqualTo("\"1\"");
		assertThat(body(r).get("storage").get("retention").asInt()).isEqualTo(2);
		problem(patch("/api/v1/domains/1").contentType(MediaType.APPLICATION_JSON)
			.content("{\"checkpointRetention\": 0}"), 400, "VALIDATION_FAILED");
	}

	@Test
	void deletesADomainWithItsCheckpoints() throws Exception {
		createDomain(1);
		suspend(1, Guests.SHADOW_REPLAY);
		problem(delete("/api/v1/domains/1").header("If-Match", "\"0\""), 412, "PRECONDITION_FAILED");
		assertThat(call(delete("/api/v1/domains/1").header("If-Match", "*"), 204).isNull()).isTrue();
		problem(get("/api/v1/domains/1"), 404, "DOMAIN_NOT_FOUND");
		assertThat(jdbc.queryForObject("select count(*) from checkpoints", Integer.class)).isZero();
		assertThat(hypervisor.power(1)).isEmpty();
	}

	@Test
	void destroysARunningGuestInTheHypervisor() throws Exception {
		createDomain(2);
		call(delete("/api/v1/domains/2"), 204);
		assertThat(hypervisor.power(2)).isEmpty();
		problem(delete("/api/v1/domains/2"), 404, "DOMAIN_NOT_FOUND");
	}

	@Test
	void readsTheXenstore() throws Exception {
		createDomain(1);
		JsonNode page = call(get("/api/v1/xenstore?path=/local/domain/1"), 200);
		assertThat(page.get("items").get(0).get("path").asString()).startsWith("/local/domain/1");
	}

}

package org.xso.web;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.test.web.servlet.MvcResult;
import org.xso.support.Guests;
import org.xso.support.IntegrationTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * The hostile requests a contract fuzzer and a tester found answered with a 500, accepted against
 * the contract, or answered with a code the contract does not give: each is now a 4xx problem
 * detail with a pointer to what is wrong, and changes nothing.
 */
class HostileInputTests extends IntegrationTest {

	@BeforeEach
	void guest() throws Exception {
		createDomain(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/v1/domains", "/api/v1/operations", "/api/v1/domains/1/checkpoints",
			"/api/v1/domains/1/devices", "/api/v1/xenstore" })
	void rejectsAPageWhoseOffsetOverflows(String list) throws Exception {
		JsonNode p = problem(get(list + "?page=16777216&size=128"), 400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("page");
		call(get(list + "?page=10000000&size=200"), 200);
	}

	@Test
	void rejectsANullDevice() throws Exception {
		JsonNode p = problem(postJson("/api/v1/domains",
				"{\"name\":\"n\",\"memoryMiB\":64,\"vcpus\":1,\"devices\":[null]}"), 400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/devices/0");
		assertThat(jdbc.queryForObject("select count(*) from domains", Integer.class)).isOne();
	}

	@Test
	void rejectsAnOverlongIfMatchAsABadRequestNotAStalePrecondition() throws Exception {
		String tag = "\"" + "a".repeat(255) + "\"";
		JsonNode p = problem(delete("/api/v1/domains/1").header("If-Match", tag), 400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("in").asString()).isEqualTo("header");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("If-Match");
		problem(delete("/api/v1/domains/1").header("If-Match", tag.substring(2)), 412, "PRECONDITION_FAILED");
		call(get("/api/v1/domains/1"), 200);
	}

	@Test
	void takesOnlyTrueOrFalseForABoolean() throws Exception {
		for (String notABoolean : new String[] { "maybe", "yes", "on", "1", "TRUE" }) {
			JsonNode p = problem(get("/api/v1/events?follow=" + notABoolean), 400, "VALIDATION_FAILED");
			assertThat(p.get("errors").get(0).get("message").asString()).startsWith("must be true or false");
		}
	}

	@Test
	void rejectsANegativeOrMalformedLastEventId() throws Exception {
		problem(get("/api/v1/events?follow=false&lastEventId=-1"), 400, "VALIDATION_FAILED");
		problem(get("/api/v1/events?follow=false").header("Last-Event-ID", "-1"), 400, "VALIDATION_FAILED");
		problem(get("/api/v1/events?follow=false").header("Last-Event-ID", "9".repeat(19)), 400,
				"VALIDATION_FAILED");
	}

	@Test
	void rejectsEventTypesThatAreNotAPlainList() throws Exception {
		problem(get("/api/v1/events?types=operation,"), 400, "VALIDATION_FAILED");
		MvcResult twice = mvc.perform(get("/api/v1/events?follow=false&types=operation,operation")).andReturn();
		assertThat(mvc.perform(asyncDispatch(twice)).andReturn().getResponse().getStatus()).isEqualTo(200);
		problem(get("/api/v1/events?types= operation"), 400, "VALIDATION_FAILED");
		problem(get("/api/v1/events?types=" + "operation,".repeat(60) + "operation"), 400, "VALIDATION_FAILED");
	}

	@Test
	void takesADeclaredQueryParameterOnceAndWithAValue() throws Exception {
		JsonNode p = problem(get("/api/v1/operations/00000000-0000-0000-0000-000000000001?waitMs="), 400,
				"VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("waitMs");
		p = problem(get("/api/v1/domains?page=0&page=1"), 400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("message").asString()).isEqualTo("must be given once");
		p = problem(delete("/api/v1/domains/1").header("If-Match", ""), 400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("If-Match");
		p = problem(get("/api/v1/domains?sise=5"), 400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("sise");
	}

	@Test
	void rejectsAMemberGivenTwice() throws Exception {
		JsonNode p = problem(postJson("/api/v1/domains/1/suspend",
				"{\"strategy\":\"SHADOW_REPLAY\",\"strategy\":\"SUSPEND_RESUME\"}"), 400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("message").asString()).contains("'strategy'", "more than once");
		problem(postJson("/api/v1/domains", Guests.json(7).replace("\"vcpus\": 1", "\"vcpus\": 1, \"vcpus\": 2")),
				400, "VALIDATION_FAILED");
		assertThat(jdbc.queryForObject("select count(*) from operations", Integer.class)).isZero();
		assertThat(jdbc.queryForObject("select count(*) from domains", Integer.class)).isOne();
	}

	@Test
	void speaksGrammaticallyOfTypes() throws Exception {
		JsonNode p = problem(get("/api/v1/domains/abc"), 400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("message").asString()).isEqualTo("must be a 32-bit integer: abc");
		p = problem(get("/api/v1/domains?state=ASLEEP"), 400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("message").asString()).startsWith("must be one of [RUNNING");
	}

	@Test
	void keepsEachDeviceTypesMembersToItself() throws Exception {
		JsonNode p = problem(postJson("/api/v1/domains/1/devices",
				"{\"type\":\"vbd\",\"devid\":51728,\"sectors\":8,\"mac\":\"00:16:3e:00:00:09\"}"), 400,
				"VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/mac");
		p = problem(postJson("/api/v1/domains/1/devices",
				"{\"type\":\"vif\",\"devid\":3,\"sectorSize\":512,\"mac\":\"00:16:3e:00:00:09\"}"), 400,
				"VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/sectorSize");
		p = problem(postJson("/api/v1/domains/1/devices", "{\"devid\":3,\"mac\":\"00:16:3e:00:00:09\"}"), 400,
				"VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/type");
		p = problem(postJson("/api/v1/domains/1/devices", "{\"type\":\"vif\",\"mac\":\"00:16:3e:00:00:09\"}"), 400,
				"VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/devid");
		assertThat(call(get("/api/v1/domains/1/devices"), 200).get("totalItems").asInt()).isEqualTo(2);
	}

	@Test
	void answersAnUnknownDriverDomainAsTheClientsMistake() throws Exception {
		JsonNode p = problem(postJson("/api/v1/domains/1/devices",
				"{\"type\":\"vif\",\"devid\":3,\"backendDomid\":77,\"mac\":\"00:16:3e:00:00:09\"}"), 422,
				"INVALID_CONFIG");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/backendDomid");
		p = problem(postJson("/api/v1/domains", Guests.json(7).replace("\"devid\": 0, \"backendDomid\": 0", "\"devid\": 0, \"backendDomid\": 77")),
				422, "INVALID_CONFIG");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/devices/1/backendDomid");
		assertThat(hypervisor.guests()).hasSize(1);
		call(postJson("/api/v1/domains/1/devices",
				"{\"type\":\"vif\",\"devid\":3,\"backendDomid\":1,\"mac\":\"00:16:3e:00:00:09\"}"), 201);
	}

	@Test
	void holdsWorkloadsAndFaultsToTheContractsRanges() throws Exception {
		JsonNode p = problem(postJson("/api/v1/domains/1/workload", "{\"action\":\"START\",\"packetWindow\":257}"),
				400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/packetWindow");
		p = problem(postJson("/api/v1/domains/1/workload", "{\"action\":\"STOP\",\"packetWindow\":257}"), 400,
				"VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/packetWindow");
		p = problem(postJson("/api/v1/simulator/faults",
				"{\"kind\":\"BACKEND_FEATURES_AFTER_RESTORE\",\"domid\":1,\"deviceType\":\"vbd\",\"devid\":51712,"
						+ "\"features\":{\"persistent\":true,\"maxIndirectSegments\":32,\"flushCache\":true,"
						+ "\"discard\":true,\"maxRingPageOrder\":5}}"),
				400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/features/maxRingPageOrder");
		p = problem(postJson("/api/v1/simulator/faults",
				"{\"kind\":\"BACKEND_FEATURES_AFTER_RESTORE\",\"domid\":1,\"deviceType\":\"vbd\",\"devid\":51712,"
						+ "\"features\":{\"persistent\":true}}"),
				400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).startsWith("/features/");
		assertThat(hypervisor.faults()).isEmpty();
		assertThat(call(get("/api/v1/domains/1/workload"), 200).get("running").asBoolean()).isFalse();
	}

	@Test
	void keepsEachFaultKindsMembersToItself() throws Exception {
		JsonNode p = problem(postJson("/api/v1/simulator/faults",
				"{\"kind\":\"XENSTORE_CONFLICTS\",\"count\":1,\"domid\":1}"), 400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/domid");
		p = problem(postJson("/api/v1/simulator/faults", "{\"kind\":\"BACKENDS_STALL\",\"domid\":1,\"stall\":true,"
				+ "\"latencyMs\":5}"), 400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/latencyMs");
		p = problem(postJson("/api/v1/simulator/faults", "{\"count\":1}"), 400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/kind");
		assertThat(hypervisor.faults()).isEmpty();
	}

	@Test
	void checksAResumeOnItsOwnPathAndNeverTakesACheckForAResume() throws Exception {
		JsonNode check = call(get("/api/v1/domains/1/resume-check"), 200);
		assertThat(check.get("resumable").asBoolean()).isFalse();
		JsonNode p = problem(post("/api/v1/domains/1/resume?dryRun=true"), 400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("dryRun");
		assertThat(jdbc.queryForObject("select count(*) from operations", Integer.class)).isZero();
		problem(get("/api/v1/domains/1/resume-check?checkpointId=nope"), 400, "VALIDATION_FAILED");
		problem(get("/api/v1/domains/9/resume-check"), 404, "DOMAIN_NOT_FOUND");
	}

	@ParameterizedTest
	@ValueSource(strings = { "x\n\u001b[31mFAKE LOG LINE", "nul\u0000name", "\u0000", "rtl\u202Eexe.txt", "\u202E",
			"<script>alert(1)</script>", "../../etc/passwd" })
	void refusesAHostileDomainNameAndStoresNothing(String name) throws Exception {
		String body = Guests.json(7).replace("\"guest-7\"", json.writeValueAsString(name));
		JsonNode p = problem(postJson("/api/v1/domains", body), 400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("in").asString()).isEqualTo("body");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/name");
		assertThat(p.toString()).doesNotContain("FAKE", "script", "passwd", "\\u202e", "\\u0000");
		assertThat(jdbc.queryForObject("select count(*) from domains", Integer.class)).isOne();
		assertThat(hypervisor.guests()).hasSize(1);
		assertThat(jdbc.queryForObject("select count(*) from domain_leases", Integer.class)).isZero();
	}

	@Test
	void takesOnlyXenLikeNames() throws Exception {
		for (String name : new String[] { "   ", "tab\there", "guest 7", "-guest", ".hidden", "\uFEFFbom", "zero\u200Bwidth",
				"guest\n", "x".repeat(65), "" }) {
			problem(postJson("/api/v1/domains", Guests.json(7).replace("\"guest-7\"", json.writeValueAsString(name))),
					400, "VALIDATION_FAILED");
		}
		String longest = "G".repeat(61) + "._-";
		assertThat(call(postJson("/api/v1/domains", Guests.json(7).replace("guest-7", longest)), 201).get("name")
			.asString()).isEqualTo(longest);
		assertThat(call(postJson("/api/v1/domains", Guests.json(8).replace("guest-8", "Web_1.prod-eu")), 201)
			.get("name")
			.asString()).isEqualTo("Web_1.prod-eu");
		problem(get("/api/v1/xenstore?path=/local//domain"), 400, "VALIDATION_FAILED");
	}

	@Test
	void changesNoNameThroughAPatch() throws Exception {
		JsonNode p = problem(patch("/api/v1/domains/1").contentType("application/merge-patch+json")
			.content("{\"name\":\"<script>alert(1)</script>\"}"), 400, "VALIDATION_FAILED");
		assertThat(p.get("errors").get(0).get("name").asString()).isEqualTo("/name");
		assertThat(call(get("/api/v1/domains/1"), 200).get("name").asString()).isEqualTo("guest-1");
	}

}
